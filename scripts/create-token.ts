import 'reflect-metadata';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { AuthService } from '../src/auth/auth.service';
import { Role } from '../src/auth/role';
import { AuditService } from '../src/audit/audit.service';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { runMigrations } from '../src/db/migrate';

/**
 * `npm run token:create -- --name "Ada Editor" --role EDITOR [--author-id <uuid>] [--expires-in-days 90]`
 * Prints a new staff API token for the configured database (DATABASE_URL, or the embedded one). This is how the first
 * ADMIN token is made; later ones can be made by an ADMIN with the createApiToken mutation.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { name: { type: 'string' }, role: { type: 'string' }, 'author-id': { type: 'string' }, 'expires-in-days': { type: 'string' } },
  });
  const role = String(values.role ?? '').toUpperCase() as Role;
  if (!values.name || !Object.values(Role).includes(role)) {
    console.error(`Usage: npm run token:create -- --name "Whose token" --role ${Object.values(Role).join('|')} [--author-id <uuid>] [--expires-in-days N]`);
    process.exit(2);
  }
  const config = loadConfig();
  const log = pino({ level: 'warn' });
  const embedded = config.database.kind === 'embedded' ? await startEmbeddedPostgres(config.database.dataDir, log) : null;
  const dataSource = createDataSource({ url: embedded?.url ?? (config.database as { url: string }).url, poolSize: 1, statementTimeoutMs: 60_000 });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource, log, { lock: !embedded });
    const { token, record } = await new AuthService(dataSource, new AuditService(dataSource)).issue(
      { name: values.name, role, authorId: values['author-id'] ?? null, expiresInDays: values['expires-in-days'] ? Number(values['expires-in-days']) : null },
      null,
    );
    console.log(`Created ${record.role} token "${record.name}" (id ${record.id}${record.expiresAt ? `, expires ${record.expiresAt.toISOString()}` : ''}).`);
    console.log('Send it as  Authorization: Bearer <token>  — it is shown only this once:\n');
    console.log(token);
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
