import 'reflect-metadata';
import { createApp, type App, type CreateAppOptions } from '../../src/app';
import type { Role } from '../../src/auth/role';
import { loadConfig } from '../../src/config';
import { factories, type Factories } from './factories';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
}

export interface TestApp {
  app: App;
  url: string;
  /** POSTs a GraphQL operation as JSON over real HTTP. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Any HTTP request against the app, for tests of the HTTP layer itself. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Empties every content table; suites call it before each test. */
  reset(): Promise<void>;
  /** Issues a staff token (through the real AuthService) and returns the header that carries it. */
  staff(role: Role, options?: { authorId?: string; expiresInDays?: number; name?: string }): Promise<{ headers: Record<string, string>; tokenId: string; token: string }>;
  close(): Promise<void>;
}

/**
 * Starts the real app (createApp, the same composition root as production) on a free port, against the database the
 * global setup prepared. `env` overrides configuration for one suite; `options.bannerOutput` receives what the app prints.
 */
export async function startTestApp(env: Record<string, string> = {}, options: Pick<CreateAppOptions, 'bannerOutput'> = {}): Promise<TestApp> {
  const databaseUrl = process.env.MASTHEAD_TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('MASTHEAD_TEST_DATABASE_URL is unset: run the tests through jest (npm test), which prepares the database.');
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PUBLIC_BASE_URL: 'https://news.example.com',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: process.env.MASTHEAD_TEST_POOL_SIZE ?? '5',
    SEED_DEMO_CONTENT: 'false',
    MASTHEAD_SECRET: 'test-secret-test-secret-test-secret-0123',
    // The embedded test database is one PGlite session behind every connection (see src/config.ts).
    DATABASE_PREPARED_STATEMENTS: process.env.MASTHEAD_TEST_DATABASE_KIND === 'embedded' ? 'false' : 'true',
    // GRAPHQL_DIRECT_READS=false npm test sends every query through the executor.
    GRAPHQL_DIRECT_READS: process.env.GRAPHQL_DIRECT_READS ?? 'true',
    // Factories write straight to the database, which purges nothing: suites that test caching turn it on
    // (test/cache/), and everything else reads fresh.
    RESPONSE_CACHE: 'false',
    // Suites empty api_token between tests: an app started then would issue (and print) a first ADMIN token.
    FIRST_ADMIN_TOKEN: 'false',
    ...env,
  });
  const app = await createApp(config, { migrate: false, background: false, ...options });
  const url = await app.listen(0, '127.0.0.1');
  return {
    app,
    url,
    async gql(query, variables, headers = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<any>["body"] };
    },
    request: (path, init) => fetch(`${url}${path}`, init),
    async reset() {
      await app.dataSource.query(
        `TRUNCATE "comment", "article_tag", "article", "tag", "section", "author", "newsletter_subscription", "mail_outbox",
                  "idempotency_record", "rate_limit", "api_token", "audit_entry", "article_view", "visitor_salt" RESTART IDENTITY CASCADE`,
      );
      await app.dataSource.query(`UPDATE "popularity_state" SET "as_of" = NULL`);
      await app.responseCache?.clear();
    },
    async staff(role, options = {}) {
      const { token, record } = await app.services.auth.issue({ name: options.name ?? `${role} in a test`, role, authorId: options.authorId, expiresInDays: options.expiresInDays }, null);
      return { headers: { authorization: `Bearer ${token}` }, tokenId: record.id, token };
    },
    close: () => app.close(),
  };
}

/** The error codes of a response, for compact assertions. */
export function errorCodes(response: GraphQLResponse): string[] {
  return (response.body.errors ?? []).map((error) => String(error.extensions?.code));
}

/**
 * The usual suite: one app for the file (started before all tests, closed after), emptied before each test, with
 * factories on its database. Returns handles that are ready once the tests run.
 */
export function useTestApp(env: Record<string, string> = {}): { t: TestApp; f: Factories } {
  let current: TestApp | undefined;
  let currentFactories: Factories | undefined;
  const app = (): TestApp => {
    if (!current) throw new Error('the test app is used before beforeAll started it');
    return current;
  };
  beforeAll(async () => {
    current = await startTestApp(env);
    currentFactories = factories(current.app.dataSource);
  });
  afterAll(() => current?.close());
  beforeEach(() => app().reset());
  const t: TestApp = {
    get app() {
      return app().app;
    },
    get url() {
      return app().url;
    },
    gql: (query, variables, headers) => app().gql(query, variables, headers),
    request: (path, init) => app().request(path, init),
    reset: () => app().reset(),
    staff: (role, options) => app().staff(role, options),
    close: () => app().close(),
  };
  const f = new Proxy({} as Factories, {
    get: (_target, name: keyof Factories) => {
      if (!currentFactories) throw new Error('factories are used before beforeAll started the test app');
      return currentFactories[name];
    },
  });
  return { t, f };
}

/**
 * Follows a connection page by page and returns every node in order. `query` takes `$after: String` (and
 * `variables`) and selects `pageInfo { hasNextPage endCursor } edges { node { ... } }` on the connection that
 * `connectionIn` finds in the response data. Every page must come without errors.
 */
export async function everyNode<T = Record<string, any>>(
  t: TestApp,
  query: string,
  connectionIn: (data: Record<string, any>) => any,
  options: { variables?: Record<string, unknown>; headers?: Record<string, string>; maxPages?: number } = {},
): Promise<T[]> {
  const { variables = {}, headers = {}, maxPages = 50 } = options;
  const nodes: T[] = [];
  let after: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const response = await t.gql(query, { ...variables, after }, headers);
    if (response.body.errors || !response.body.data) throw new Error(`page ${page + 1} failed: ${JSON.stringify(response.body)}`);
    const connection = connectionIn(response.body.data);
    nodes.push(...connection.edges.map((edge: { node: T }) => edge.node));
    if (!connection.pageInfo.hasNextPage) return nodes;
    after = connection.pageInfo.endCursor;
  }
  throw new Error(`more than ${maxPages} pages`);
}
