import { loadConfig } from '../config';
import { createDataSource } from './data-source';

/**
 * Data source for the TypeORM CLI (migration:generate, migration:run, migration:revert). It needs a PostgreSQL server:
 * set DATABASE_URL. See "Migrations" in the README.
 */
const config = loadConfig();
if (config.database.kind !== 'server') {
  throw new Error('The TypeORM CLI needs DATABASE_URL (a PostgreSQL server); the embedded database is for npm start and npm test.');
}

export default createDataSource({ url: config.database.url, poolSize: 2, statementTimeoutMs: 600_000, applicationName: 'masthead-cli' });
