import fs from 'node:fs';
import path from 'node:path';
import { printAppSchema } from '../src/schema';

/** `npm run schema:emit` rewrites schema.graphql from the code; `npm run schema:check` fails when it is stale. */
async function main(): Promise<void> {
  const file = path.join(__dirname, '..', '..', 'schema.graphql');
  const printed = await printAppSchema();
  if (process.argv.includes('--check')) {
    const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (committed !== printed) {
      console.error('schema.graphql is stale: run `npm run schema:emit` and commit the result.');
      process.exit(1);
    }
    console.log('schema.graphql matches the code.');
    return;
  }
  fs.writeFileSync(file, printed);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
