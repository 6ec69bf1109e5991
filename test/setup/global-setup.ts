import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createDataSource } from '../../src/db/data-source';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { runMigrations } from '../../src/db/migrate';
import { prepareServerDatabase, testDatabaseTarget } from './test-database';

/**
 * Runs once before all suites: picks the database (see test-database.ts), applies the migrations once, and tells the
 * suites where it is through MASTHEAD_TEST_DATABASE_URL / MASTHEAD_TEST_POOL_SIZE.
 */
export default async function globalSetup(): Promise<void> {
  const log = pino({ level: 'warn' });
  // The playground is bundled by npm run build; the HTTP and browser tests need it. Its manifest is written last.
  const root = path.join(__dirname, '..', '..');
  if (!fs.existsSync(path.join(root, 'dist', 'playground', 'manifest.json'))) {
    execFileSync(process.execPath, [path.join(root, 'playground', 'build.mjs'), path.join(root, 'dist', 'playground')], { stdio: 'inherit' });
  }
  const target = testDatabaseTarget();
  let url: string;
  let poolSize: number;
  if (target.kind === 'embedded') {
    // Several suites' apps (one connection each) may be open at once, e.g. a production-mode app beside the default one.
    const embedded = await startEmbeddedPostgres(null, log, { maxConnections: 8 });
    (globalThis as { __mastheadEmbedded?: unknown }).__mastheadEmbedded = embedded;
    url = embedded.url;
    poolSize = embedded.poolSize;
  } else {
    await prepareServerDatabase(target);
    url = target.url;
    poolSize = 5;
  }
  const dataSource = createDataSource({ url, poolSize, statementTimeoutMs: 60_000 });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource, log, { lock: target.kind === 'server' });
  } finally {
    await dataSource.destroy();
  }
  process.env.MASTHEAD_TEST_DATABASE_URL = url;
  process.env.MASTHEAD_TEST_POOL_SIZE = String(poolSize);
  process.env.MASTHEAD_TEST_DATABASE_KIND = target.kind;
}
