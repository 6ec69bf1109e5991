import { MigrationExecutor, type DataSource } from 'typeorm';
import type { Logger } from 'pino';

/** Any constant shared by every Masthead instance; it names the advisory lock that serialises migrations. */
const MIGRATION_LOCK_KEY = 727_274_001;

/**
 * Applies pending migrations. When several instances start at once against one server, a session advisory lock lets
 * one migrate while the others wait, then find nothing left to do.
 *
 * The lock and the migrations share one connection: a session lock is its connection's, and a pool of one (the
 * command line's, DATABASE_POOL_SIZE=1, the embedded database's) has no second connection to migrate on while the
 * first holds the lock.
 */
export async function runMigrations(dataSource: DataSource, log: Logger, options: { lock: boolean }): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    if (options.lock) await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const executor = new MigrationExecutor(dataSource, queryRunner);
    executor.transaction = 'each';
    const applied = await executor.executePendingMigrations();
    if (applied.length) log.info({ migrations: applied.map((migration) => migration.name) }, 'applied migrations');
  } finally {
    if (options.lock) await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await queryRunner.release();
  }
}
