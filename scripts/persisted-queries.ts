import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatManifest } from '../src/persisted-queries/manifest';
import { findGraphQLFiles, generateOperations, ManifestGenerationError } from '../src/persisted-queries/manifest-generator';
import { buildAppSchema } from '../src/schema';

const USAGE = `Usage: npm run persisted-queries:generate -- <file or directory>... [--out persisted-queries.json]

Writes the safelist for PERSISTED_QUERIES=only (Apollo's persisted-query manifest format) from a client's operations.

Reads every .graphql and .gql file given, and in the directories given (recursively). Each named query, mutation or
subscription becomes one entry, with the fragments it uses (from any of the files), printed canonically; its id is
the sha256 of that text, which the client sends as extensions.persistedQuery.sha256Hash. Every operation is
validated against Masthead's schema; an invalid or anonymous operation, or two with one name, is reported as
file:line and nothing is written. Entries are sorted by name.

  --out FILE    where to write the manifest (default persisted-queries.json; the gateway reads PERSISTED_QUERY_MANIFEST)
  -h, --help    show this text`;

/** A file as problems name it: relative to where the command runs, unless it lies outside. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : path.resolve(file);
}

/** Exit codes: 2 for wrong arguments, 1 for operations that cannot be listed (nothing is written). */
const EXIT_USAGE = 2;
const EXIT_INVALID = 1;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string', default: 'persisted-queries.json' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    console.error(`persisted-queries:generate: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!parsed.positionals.length) {
    console.error(`persisted-queries:generate: name the client's .graphql files or directories\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const missing = parsed.positionals.filter((entry) => !fs.existsSync(entry));
  if (missing.length) {
    console.error(`persisted-queries:generate: no such file or directory: ${missing.join(', ')}`);
    return EXIT_USAGE;
  }
  const files = findGraphQLFiles(parsed.positionals);
  if (!files.length) {
    console.error(`persisted-queries:generate: no .graphql or .gql files in ${parsed.positionals.join(', ')}`);
    return EXIT_INVALID;
  }
  const schema = await buildAppSchema();
  let operations;
  try {
    operations = generateOperations(
      files.map((file) => ({ path: shownPath(file), text: fs.readFileSync(file, 'utf8') })),
      schema,
    );
  } catch (error) {
    if (!(error instanceof ManifestGenerationError)) throw error;
    console.error(`persisted-queries:generate: nothing written; fix these first:\n${error.problems.map((problem) => `  ${problem}`).join('\n')}`);
    return EXIT_INVALID;
  }
  fs.writeFileSync(parsed.values.out, formatManifest(operations));
  console.log(`wrote ${operations.length} operation${operations.length === 1 ? '' : 's'} from ${files.length} file${files.length === 1 ? '' : 's'} to ${parsed.values.out}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(EXIT_INVALID);
  },
);
