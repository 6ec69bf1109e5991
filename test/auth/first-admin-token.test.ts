import { createApp } from '../../src/app';
import { FIRST_ADMIN_TOKEN_NAME, type BannerOutput } from '../../src/auth/first-admin-token';
import { loadConfig } from '../../src/config';
import { Role } from '../../src/auth/role';
import { startTestApp, useTestApp, type TestApp } from '../setup/harness';
import { withFreshDatabase } from '../setup/test-database';

/** Collects what an app prints as its first-start banner. */
class Printed implements BannerOutput {
  text = '';
  write(chunk: string | Uint8Array): boolean {
    this.text += String(chunk);
    return true;
  }
  get token(): string | undefined {
    return /^\s+(mst_\S+)$/m.exec(this.text)?.[1];
  }
}

const VIEWER = `{ viewer { name role } }`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

// This suite's own app never issues one (the harness's default); each test starts the apps whose first start it checks.
const { t } = useTestApp();
const started: TestApp[] = [];
async function start(env: Record<string, string>, printed: Printed): Promise<TestApp> {
  const app = await startTestApp(env, { bannerOutput: printed });
  started.push(app);
  return app;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((app) => app.close()));
});
const tokens = () => t.app.dataSource.query(`SELECT "name", "role", "expires_at" AS "expiresAt", "revoked_at" AS "revokedAt" FROM "api_token"`);

describe('the first ADMIN token, printed at first start', () => {
  it('is issued and printed once when no token exists, and authenticates as ADMIN', async () => {
    const first = new Printed();
    await start({ FIRST_ADMIN_TOKEN: 'true' }, first);
    expect(first.text).toContain('the first ADMIN token. It is shown only this once');
    expect(first.text).toMatch(/mutation \{ revokeApiToken\(id: "[0-9a-f-]{36}"\) \{ revokedAt \} \}/);
    expect(first.text).toContain('FIRST_ADMIN_TOKEN=false');
    const token = first.token ?? '';
    expect(token).toMatch(/^mst_[A-Za-z0-9_-]{43}$/);
    expect((await t.gql(VIEWER, {}, bearer(token))).body.data?.viewer).toEqual({ name: FIRST_ADMIN_TOKEN_NAME, role: 'ADMIN' });
    expect(await tokens()).toEqual([{ name: FIRST_ADMIN_TOKEN_NAME, role: Role.ADMIN, expiresAt: null, revokedAt: null }]);
    const audit = await t.gql(`{ auditLog { edges { node { action actorName actorRole } } } }`, {}, bearer(token));
    expect(audit.body.data?.auditLog.edges).toEqual([
      { node: { action: 'token.create', actorName: 'the gateway at its first start (server console)', actorRole: 'CONSOLE' } },
    ]);

    // A restart issues and prints nothing: not while the token is valid, nor once it is revoked.
    const second = new Printed();
    await start({ FIRST_ADMIN_TOKEN: 'true' }, second);
    expect(second.text).toBe('');
    const [{ id }] = await t.app.dataSource.query(`SELECT "id" FROM "api_token"`);
    expect((await t.gql(`mutation ($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id }, bearer(token))).body.errors).toBeUndefined();
    const third = new Printed();
    await start({ FIRST_ADMIN_TOKEN: 'true' }, third);
    expect(third.text).toBe('');
    expect(await tokens()).toHaveLength(1);
  });

  it('is not issued when a token was made another way first (token:create, createApiToken)', async () => {
    await t.staff(Role.EDITOR);
    const printed = new Printed();
    await start({ FIRST_ADMIN_TOKEN: 'true' }, printed);
    expect(printed.text).toBe('');
    expect(await tokens()).toHaveLength(1);
  });

  it('is not issued with FIRST_ADMIN_TOKEN=false', async () => {
    const printed = new Printed();
    await start({ FIRST_ADMIN_TOKEN: 'false' }, printed);
    expect(printed.text).toBe('');
    expect(await tokens()).toEqual([]);
  });

  it('is issued by only one of several instances starting at once', async () => {
    const printed = [new Printed(), new Printed(), new Printed()];
    await Promise.all(printed.map((output) => start({ FIRST_ADMIN_TOKEN: 'true' }, output)));
    expect(printed.filter((output) => output.token)).toHaveLength(1);
    expect(await tokens()).toHaveLength(1);
  });

  // A database the test creates beside the test database: only on a PostgreSQL server.
  (process.env.MASTHEAD_TEST_DATABASE_KIND === 'server' ? it : it.skip)(
    'is printed by a gateway that migrates a fresh server database on a pool of one connection',
    async () => {
      await withFreshDatabase(process.env.MASTHEAD_TEST_DATABASE_URL ?? '', '_srv', async (fresh) => {
        const config = loadConfig({
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          DATABASE_URL: fresh,
          // DATABASE_POOL_SIZE=1 is allowed: the migration lock must not need a second connection.
          DATABASE_POOL_SIZE: '1',
          MASTHEAD_SECRET: 'test-secret-test-secret-test-secret-0123',
        });
        const printed = new Printed();
        const app = await createApp(config, { background: false, bannerOutput: printed });
        try {
          const url = await app.listen(0, '127.0.0.1');
          const response = await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...bearer(printed.token ?? '') },
            body: JSON.stringify({ query: VIEWER }),
          });
          expect(await response.json()).toEqual({ data: { viewer: { name: FIRST_ADMIN_TOKEN_NAME, role: 'ADMIN' } } });
        } finally {
          await app.close();
        }
      });
    },
    60_000,
  );
});
