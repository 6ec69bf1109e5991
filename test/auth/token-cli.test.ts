import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { FIRST_ADMIN_TOKEN_NAME } from '../../src/auth/first-admin-token';
import { useTestApp } from '../setup/harness';
import { withFreshDatabase } from '../setup/test-database';

/**
 * `npm run token:create` as people run it: the built script in a child process of its own, against the test database
 * (a PostgreSQL server, or in the embedded run the PGlite the suites share, which the script reaches as a server).
 */
const ROOT = path.join(__dirname, '..', '..');
// Built here rather than into dist/, so the test always runs the current source; under node_modules so that the built
// script finds the project's packages.
const BUILD_DIR = path.join(ROOT, 'node_modules', '.cache', 'masthead-token-cli');
const SCRIPT = path.join(BUILD_DIR, 'scripts', 'create-token.js');
const SERVER_RUN = process.env.MASTHEAD_TEST_DATABASE_KIND === 'server';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the script with only the environment given (and PATH), as a shell with that environment would. */
function tokenCreate(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

const VIEWER = `{ viewer { name role authorId } }`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const printedToken = (run: Run) => /^(mst_\S+)$/m.exec(run.stdout)?.[1] ?? '';

const { t, f } = useTestApp();
const database = () => ({ DATABASE_URL: process.env.MASTHEAD_TEST_DATABASE_URL ?? '' });
const tokenCount = async () => Number((await t.app.dataSource.query(`SELECT count(*) AS "n" FROM "api_token"`))[0].n);

beforeAll(() => {
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR, '--tsBuildInfoFile', path.join(BUILD_DIR, '.tsbuildinfo')], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  } catch (error) {
    // Type errors still emit JavaScript (npm run typecheck is what reports them); a missing script is what stops us.
    if (!fs.existsSync(SCRIPT)) throw error;
  }
}, 120_000);

describe('npm run token:create', () => {
  it('issues an ADMIN token on a server database at once (a pool of one connection), and the token works', async () => {
    const run = await tokenCreate(['--name', 'Ada Admin', '--role', 'ADMIN'], database());
    // The pool of one used to wait for a second connection until it gave up, after 10 s, with exit code 1.
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/Created ADMIN token "Ada Admin"/);
    expect((await t.gql(VIEWER, {}, bearer(printedToken(run)))).body.data?.viewer).toEqual({ name: 'Ada Admin', role: 'ADMIN', authorId: null });
  });

  it('issues an AUTHOR token for an existing author, and an expiring one', async () => {
    const author = await f.makeAuthor();
    const run = await tokenCreate(['--name', 'Arthur', '--role', 'author', '--author-id', author.id, '--expires-in-days', '90'], database());
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/expires \d{4}-/);
    expect((await t.gql(VIEWER, {}, bearer(printedToken(run)))).body.data?.viewer).toEqual({ name: 'Arthur', role: 'AUTHOR', authorId: author.id });
    const [row] = await t.app.dataSource.query(`SELECT "expires_at" FROM "api_token"`);
    expect(new Date(row.expires_at).getTime() - Date.now()).toBeGreaterThan(89.9 * 86_400_000);
  });

  it('prints its usage and exits 0 for --help and -h', async () => {
    for (const flag of ['--help', '-h']) {
      const run = await tokenCreate([flag], database());
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^Usage: npm run token:create -- --name/);
      expect(run.stdout).toMatch(/--expires-in-days N/);
    }
    expect(await tokenCount()).toBe(0);
  });

  const mistakes: [string, string[], RegExp][] = [
    ['a unit after the days', ['--expires-in-days', '90d'], /--expires-in-days must be a whole number of days from 1 to 3650 \(got "90d"\)/],
    ['zero days', ['--expires-in-days', '0'], /--expires-in-days must be a whole number/],
    ['negative days', ['--expires-in-days=-1'], /--expires-in-days must be a whole number/],
    ['negative days, spaced', ['--expires-in-days', '-1'], /--expires-in-days/],
    ['fractional days', ['--expires-in-days', '1.5'], /--expires-in-days must be a whole number/],
    ['empty days', ['--expires-in-days', ''], /--expires-in-days must be a whole number/],
    ['days in exponent form', ['--expires-in-days', '1e3'], /--expires-in-days must be a whole number/],
    ['more days than allowed', ['--expires-in-days', '3651'], /--expires-in-days must be a whole number/],
    ['days without a value', ['--expires-in-days'], /--expires-in-days/],
    ['an unknown option', ['--admin'], /Unknown option '--admin'/],
    ['a stray argument', ['ADMIN'], /positional argument/],
  ];
  it.each(mistakes)('refuses %s with exit code 2, its usage and nothing created', async (_what, extra, message) => {
    const run = await tokenCreate(['--name', 'Ada', '--role', 'ADMIN', ...extra], database());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/Usage: npm run token:create/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
    expect(await tokenCount()).toBe(0);
  });

  it('refuses a missing or unknown role, a missing name and an unusable --author-id with exit code 2', async () => {
    const author = await f.makeAuthor();
    const cases: [string[], RegExp][] = [
      [['--name', 'Ada'], /--role is required/],
      [['--name', 'Ada', '--role', 'OWNER'], /--role must be one of ADMIN, EDITOR, AUTHOR, ANALYST \(got "OWNER"\)/],
      [['--role', 'ADMIN'], /--name is required/],
      [['--name', '  ', '--role', 'ADMIN'], /--name is required/],
      [['--name', 'x'.repeat(121), '--role', 'ADMIN'], /--name is at most 120 characters/],
      [['--name', 'Arthur', '--role', 'AUTHOR'], /--author-id is required for an AUTHOR token/],
      [['--name', 'Arthur', '--role', 'AUTHOR', '--author-id', 'arthur'], /--author-id must be an author's id, a UUID \(got "arthur"\)/],
      [['--name', 'Eda', '--role', 'EDITOR', '--author-id', author.id], /--author-id is for AUTHOR tokens only/],
    ];
    for (const [args, message] of cases) {
      const run = await tokenCreate(args, database());
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toMatch(/Usage: npm run token:create/);
    }
    // Only this one reaches the database: the author is looked up.
    const unknownAuthor = await tokenCreate(['--name', 'Arthur', '--role', 'AUTHOR', '--author-id', '00000000-0000-4000-8000-000000000000'], database());
    expect(unknownAuthor.code).toBe(2);
    expect(unknownAuthor.stderr).toMatch(/There is no author with this id. \(--author-id 00000000-0000-4000-8000-000000000000/);
    expect(unknownAuthor.stderr).not.toMatch(/\n\s+at /);
    expect(await tokenCount()).toBe(0);
  }, 120_000);

  it('tells what to do instead when a running gateway holds the embedded database', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'masthead-token-cli-'));
    try {
      // A live process (this one) holds the data directory, as `npm start` does.
      fs.writeFileSync(path.join(dataDir, 'pglite.lock'), String(process.pid));
      const run = await tokenCreate(['--name', 'Ada', '--role', 'ADMIN'], { EMBEDDED_DATA_DIR: path.join(dataDir, 'pglite') });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`is open in process ${process.pid}`);
      expect(run.stderr).toContain(`the ADMIN token the gateway printed when it first started on this database ("${FIRST_ADMIN_TOKEN_NAME}")`);
      expect(run.stderr).toContain('mutation { createApiToken(input: { name: "Eda Editor", role: EDITOR }) { token } }');
      expect(run.stderr).toContain('or stop the gateway');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  // A database the test creates beside the test database: only on a PostgreSQL server.
  (SERVER_RUN ? it : it.skip)('migrates a fresh server database and issues the token, on its one connection', async () => {
    await withFreshDatabase(process.env.MASTHEAD_TEST_DATABASE_URL ?? '', '_srv', async (fresh) => {
      const run = await tokenCreate(['--name', 'Ada Admin', '--role', 'ADMIN'], { DATABASE_URL: fresh });
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const database = new Client({ connectionString: fresh });
      await database.connect();
      try {
        const { rows } = await database.query(`SELECT "name", "role" FROM "api_token"`);
        expect(rows).toEqual([{ name: 'Ada Admin', role: 'ADMIN' }]);
      } finally {
        await database.end();
      }
    });
  }, 60_000);
});
