import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { Role } from '../src/auth/role';
import { useTestApp } from './setup/harness';

/**
 * The playground in a real browser: Debian's Chromium driven by playwright-core (.ci/run installs it with apt).
 * Where no Chromium is installed this suite is reported as skipped, except under REQUIRE_BROWSER=1 (CI), where a
 * missing browser fails it.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const describeInBrowser = fs.existsSync(CHROMIUM) || process.env.REQUIRE_BROWSER === '1' ? describe : describe.skip;
const SCREENSHOTS = path.join(__dirname, '..', 'test-results');

/** A response as the gateway sent it, seen from its own HTTP server. */
interface Served {
  method: string;
  path: string;
  status: number;
  headers: Record<string, unknown>;
}

describeInBrowser('the playground in Chromium', () => {
  const { t, f } = useTestApp();
  let context: BrowserContext;
  let requests: string[];
  let served: Served[];
  const recordServed = (request: IncomingMessage, response: ServerResponse) => {
    response.on('finish', () => served.push({ method: request.method ?? '', path: request.url ?? '', status: response.statusCode, headers: response.getHeaders() }));
  };

  beforeEach(async () => {
    context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'masthead-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    requests = [];
    context.on('request', (request) => requests.push(request.url()));
    served = [];
    t.app.httpServer.on('request', recordServed);
  });
  afterEach(async () => {
    t.app.httpServer.off('request', recordServed);
    await context.close();
  });

  /** What the gateway served for GET requests (the page and its assets; GraphQL itself is POSTed). */
  const servedGets = () => served.filter((response) => response.method === 'GET');

  /** Waits until the page has started its three Monaco workers, whose scripts load after the page is ready. */
  async function workersStarted(page: Page): Promise<void> {
    await page.waitForFunction(() => new Set(performance.getEntriesByType('resource').map((entry) => entry.name).filter((name) => /\.worker\./.test(name))).size === 3, undefined, {
      timeout: 20_000,
    });
  }

  /** Opens the playground with its editors holding `editors` (GraphiQL reads their first contents from local storage). */
  async function open(editors: { query: string; variables?: string; headers?: string }): Promise<Page> {
    await context.addInitScript((stored) => {
      const storage = (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage;
      for (const [key, value] of Object.entries(stored)) storage.setItem(`masthead-playground-v1:graphiql:${key}`, value);
    }, { query: editors.query, variables: editors.variables ?? '', headers: editors.headers ?? '' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${t.url}/graphql`);
    await page.locator('button[aria-label^="Execute query"]').waitFor({ timeout: 20_000 });
    expect(errors).toEqual([]);
    return page;
  }

  async function run(page: Page): Promise<string> {
    await page.locator('button[aria-label^="Execute query"]').click();
    const result = page.locator('.graphiql-response');
    await result.getByText(/"(data|errors)"/).first().waitFor({ timeout: 20_000 });
    return (await result.innerText()).replace(/\s+/g, ' ');
  }

  it('serves itself, runs the front page query, and asks nothing of anyone else', async () => {
    await f.makeArticle({ title: 'Leaders hold first phone call' });
    const page = await open({ query: '{ articles(first: 5) { edges { node { title } } } }' });
    expect(await run(page)).toContain('Leaders hold first phone call');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'playground.png') });
    const origin = new URL(t.url).origin;
    expect(requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'))).toEqual([]);

    // The page, then its script, stylesheet, fonts and the three Monaco workers, all from the gateway, cached for good,
    // the scripts and stylesheet compressed.
    await workersStarted(page);
    const [pageLoad, ...assets] = servedGets();
    expect(pageLoad).toMatchObject({ path: '/graphql', status: 200, headers: { 'cache-control': 'no-cache' } });
    const paths = assets.map((asset) => asset.path);
    for (const name of ['playground', 'editor.worker', 'graphql.worker', 'json.worker']) {
      expect(paths).toContainEqual(expect.stringMatching(new RegExp(`^/playground/assets/${name.replace('.', '\\.')}\\.[0-9a-f]{16}\\.js$`)));
    }
    expect(paths).toContainEqual(expect.stringMatching(/^\/playground\/assets\/playground\.[0-9a-f]{16}\.css$/));
    for (const asset of assets) {
      expect(asset).toMatchObject({ path: expect.stringMatching(/^\/playground\/assets\/[\w.-]+\.[0-9a-f]{16}\.(js|css|ttf|woff2?)$/), status: 200 });
      expect(asset.headers).toMatchObject({ 'cache-control': 'public, max-age=31536000, immutable', vary: 'Accept-Encoding' });
      if (/\.(js|css)$/.test(asset.path)) expect(asset.headers['content-encoding']).toBe('br');
    }
  });

  it('downloads nothing but the page again on a second visit', async () => {
    await workersStarted(await open({ query: '{ __typename }' }));
    const firstVisit = servedGets().length;
    const page = await open({ query: '{ __typename }' });
    await workersStarted(page);
    // The page is asked for again (no-cache). It comes whole, 400 bytes, not as a 304: GraphiQL's POSTs to /graphql
    // made the browser drop its copy of the page at that URL (RFC 9111, 4.4). Every asset comes from the browser's cache.
    expect(servedGets().slice(firstVisit)).toEqual([expect.objectContaining({ path: '/graphql', status: 200 })]);
    expect(await run(page)).toContain('"__typename": "Query"');
  });

  it('runs an authenticated mutation with the token from the headers pane', async () => {
    const { token } = await t.staff(Role.EDITOR);
    const author = await f.makeAuthor();
    const page = await open({
      query: 'mutation Create($input: CreateArticleInput!) { createArticle(input: $input) { slug status } }',
      variables: JSON.stringify({ input: { title: 'Written in the playground', body: '<p>Hello</p>', authorId: author.id } }),
      headers: JSON.stringify({ Authorization: `Bearer ${token}` }),
    });
    const output = await run(page);
    expect(output).toContain('written-in-the-playground');
    expect(output).toContain('DRAFT');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'playground-mutation.png') });
    expect(await t.app.dataSource.query(`SELECT "title" FROM "article"`)).toEqual([{ title: 'Written in the playground' }]);
  });
});
