import { Client } from 'pg';

/**
 * Where the tests run:
 * - TEST_DATABASE_URL: that database, which the run empties (point it at a throwaway database);
 * - else DATABASE_URL: a database named masthead_test on the same server, created fresh (DATABASE_URL's own database is never touched);
 * - else: an in-memory embedded PostgreSQL (PGlite), started once for the whole run.
 */
export type TestDatabaseTarget = { kind: 'server'; url: string; recreate: boolean } | { kind: 'embedded' };

export function testDatabaseTarget(env: NodeJS.ProcessEnv = process.env): TestDatabaseTarget {
  if (env.TEST_DATABASE_URL) return { kind: 'server', url: env.TEST_DATABASE_URL, recreate: false };
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL);
    url.pathname = '/masthead_test';
    return { kind: 'server', url: url.toString(), recreate: true };
  }
  return { kind: 'embedded' };
}

/** Drops and creates the test database (through the server's maintenance database), or empties its schema. */
export async function prepareServerDatabase(target: { url: string; recreate: boolean }): Promise<void> {
  if (target.recreate) {
    await onMaintenanceDatabase(target.url, (admin) => recreateDatabase(admin, new URL(target.url).pathname.slice(1)));
    return;
  }
  const client = new Client({ connectionString: target.url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA IF EXISTS public CASCADE');
    await client.query('CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}

/** Runs `work` on a connection to the maintenance database (postgres) of the server `databaseUrl` is on. */
async function onMaintenanceDatabase<T>(databaseUrl: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const admin = new Client({ connectionString: maintenance.toString() });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

async function recreateDatabase(admin: Client, name: string): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
}

/**
 * Runs `use` with a new, empty database on the test database's server (named after it, plus `suffix`), dropped
 * afterwards whatever happens: for tests of what a fresh database does (migrations, a first start). Server runs only.
 */
export async function withFreshDatabase(testDatabaseUrl: string, suffix: string, use: (url: string) => Promise<void>): Promise<void> {
  const fresh = new URL(testDatabaseUrl);
  const name = `${fresh.pathname.slice(1)}${suffix}`;
  fresh.pathname = `/${name}`;
  await onMaintenanceDatabase(testDatabaseUrl, async (admin) => {
    await recreateDatabase(admin, name);
    try {
      await use(fresh.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });
}
