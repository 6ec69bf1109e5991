import { Client } from 'pg';

/**
 * The benchmark's own database: BENCH_DATABASE_URL, or a database named masthead_bench on the server DATABASE_URL
 * points at (created if missing; DATABASE_URL's own database is never touched). The benchmark needs a PostgreSQL
 * server: the embedded one runs a statement at a time and would measure PGlite, not Masthead.
 */
export function benchDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BENCH_DATABASE_URL) return env.BENCH_DATABASE_URL;
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL);
    url.pathname = '/masthead_bench';
    return url.toString();
  }
  console.error(
    'The benchmark needs a PostgreSQL server. Set DATABASE_URL (it will use a database named masthead_bench on that server)\n' +
      'or BENCH_DATABASE_URL, e.g.  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:seed',
  );
  process.exit(2);
}

/** Creates the database if it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}

/** Runs `work` on a connection of its own to `databaseUrl`, closed afterwards whatever happens. */
export async function withDatabase<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Asks `check` every half second until it says yes; false if it never did in `attempts` tries. */
export async function pollUntil(check: () => Promise<boolean>, attempts: number): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}
