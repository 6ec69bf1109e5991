import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';

/** Any constant shared by every Masthead instance; it names the advisory lock that serialises migrations. */
const MIGRATION_LOCK_KEY = 727_274_001;

/**
 * Applies pending migrations. When several instances start at once against one server, a session advisory lock lets
 * one migrate while the others wait, then find nothing left to do.
 */
export async function runMigrations(dataSource: DataSource, log: Logger, options: { lock: boolean }): Promise<void> {
  const lockRunner = options.lock ? dataSource.createQueryRunner() : null;
  try {
    if (lockRunner) await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length) log.info({ migrations: applied.map((migration) => migration.name) }, 'applied migrations');
  } finally {
    if (lockRunner) {
      await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await lockRunner.release();
    }
  }
}
