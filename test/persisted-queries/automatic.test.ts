import { createHash, randomUUID } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { Role } from '../../src/auth/role';
import { errorCodes, startTestApp, type GraphQLResponse, type TestApp } from '../setup/harness';

/**
 * Automatic persisted queries (PERSISTED_QUERIES=automatic, the default), as Apollo Client's persisted-query link uses
 * them: the hash alone first, and on PERSISTED_QUERY_NOT_FOUND the hash with the text, which registers it. With
 * REDIS_URL every instance shares what any of them registered. The Redis suites run where TEST_REDIS_URL names a
 * Redis server (CI does); each run keeps its keys under a prefix of its own, so parallel runs do not meet.
 */
const redisUrl = process.env.TEST_REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** POSTs a request body as a client library would send it, over real HTTP. */
async function send(app: TestApp, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const response = await app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
}

const byHash = (app: TestApp, query: string, variables?: Record<string, unknown>) =>
  send(app, { variables, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
const register = (app: TestApp, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) =>
  send(app, { query, variables, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }, headers);

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describeWithRedis('automatic persisted queries shared through Redis', () => {
  const deployment = `masthead-test-${randomUUID()}:`;
  // Persisted queries live under REDIS_KEY_PREFIX + 'apq:'.
  const prefix = `${deployment}apq:`;
  const env = { REDIS_URL: redisUrl ?? '', REDIS_KEY_PREFIX: deployment, QUERY_CACHE_ENTRIES: '10', MAX_BODY_BYTES: '2048' };
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
    redis = new Redis(redisUrl ?? '');
    await a.reset();
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await Promise.all([a?.close(), b?.close()]);
  });

  it('finds on instance B, by hash alone, a query registered on instance A', async () => {
    const query = `query Shared($n: Int!) { articles(first: $n) { totalCount } }`;
    expect(errorCodes(await byHash(a, query, { n: 1 }))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const registered = await register(a, query, { n: 1 });
    expect(registered.body).toEqual({ data: { articles: { totalCount: 0 } } });
    // Apollo registers without waiting for the write; Redis has it a moment later.
    await waitFor(async () => (await redis.exists(prefix + sha256(query))) === 1);

    const answered = await byHash(b, query, { n: 2 });
    expect({ status: answered.status, body: answered.body }).toEqual({ status: 200, body: { data: { articles: { totalCount: 0 } } } });
  });

  it('keeps each entry in Redis for PERSISTED_QUERY_TTL_HOURS (24 by default), under the prefix', async () => {
    const query = `query Expiring { __typename }`;
    await register(a, query);
    await waitFor(async () => (await redis.exists(prefix + sha256(query))) === 1);
    expect(await redis.get(prefix + sha256(query))).toBe(query);
    const ttl = await redis.ttl(prefix + sha256(query));
    expect(ttl).toBeGreaterThan(24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
  });

  it('keeps a text longer than MAX_BODY_BYTES (a staff member’s) in memory only', async () => {
    const staff = await a.staff(Role.EDITOR);
    const query = `# ${'x'.repeat(3000)}\nquery Long { __typename }`;
    expect((await register(a, query, undefined, staff.headers)).body).toEqual({ data: { __typename: 'Query' } });
    expect((await byHash(a, query)).body).toEqual({ data: { __typename: 'Query' } });
    expect(await redis.exists(prefix + sha256(query))).toBe(0);
    expect(errorCodes(await byHash(b, query))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('keeps the memory tier bounded (ten per QUERY_CACHE_ENTRIES) while Redis keeps them all', async () => {
    const queries = Array.from({ length: 130 }, (_, n) => `query Many${n} { __typename }`);
    for (const query of queries) expect((await register(a, query)).status).toBe(200);
    const { entries, maxEntries } = a.app.queryCacheFill().persistedQueries;
    expect({ entries, maxEntries }).toEqual({ entries: 100, maxEntries: 100 });
    await waitFor(async () => (await redis.exists(...queries.map((query) => prefix + sha256(query)))) === queries.length);
    // The first ones left A's memory long ago; A finds them in Redis again.
    expect((await byHash(a, queries[0])).body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('automatic persisted queries while Redis is unreachable', () => {
  let app: TestApp;
  beforeAll(async () => {
    // Start-up waits REDIS_READY_MS (5 s) for Redis before going on without it.
    app = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
  }, 20_000);
  afterAll(() => app?.close());

  it('still registers and answers by hash, from this instance’s memory', async () => {
    const query = `query WithoutRedis { __typename }`;
    expect(errorCodes(await byHash(app, query))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect((await register(app, query)).body).toEqual({ data: { __typename: 'Query' } });
    const answered = await byHash(app, query);
    expect({ status: answered.status, body: answered.body }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });
});

describe('PERSISTED_QUERIES=off', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ PERSISTED_QUERIES: 'off' });
  });
  afterAll(() => app?.close());

  it('answers a persistedQuery extension with PERSISTED_QUERY_NOT_SUPPORTED, and plain queries as usual', async () => {
    const query = `query Plain { __typename }`;
    expect(errorCodes(await byHash(app, query))).toEqual(['PERSISTED_QUERY_NOT_SUPPORTED']);
    expect(errorCodes(await register(app, query))).toEqual(['PERSISTED_QUERY_NOT_SUPPORTED']);
    expect((await app.gql(query)).body).toEqual({ data: { __typename: 'Query' } });
    expect(app.app.queryCacheFill().persistedQueries).toBeUndefined();
  });
});

async function waitFor(condition: () => Promise<boolean>, ms = 2_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`not true within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
