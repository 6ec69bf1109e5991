import { createHash } from 'node:crypto';
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Role } from '../src/auth/role';
import { errorCodes, startTestApp, type TestApp } from './setup/harness';
import { factories } from './setup/factories';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const postRaw = (body: string | Buffer, contentType = 'application/json', headers: Record<string, string> = {}) =>
  t.request('/graphql', { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });

/** What Chromium sends when it loads a page. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

/** A GET over node:http, so the body arrives as the server sent it (fetch would decompress it). */
function getRaw(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** The playground's asset paths: those its page links, and the workers its scripts start. */
async function playgroundAssets(app: TestApp): Promise<string[]> {
  const assetPath = /\/playground\/assets\/[A-Za-z0-9._-]+/g;
  const linked = [...new Set((await getRaw(`${app.url}/graphql`, { accept: BROWSER_ACCEPT })).body.toString().match(assetPath) ?? [])];
  const assets = new Set(linked);
  for (const script of linked.filter((asset) => asset.endsWith('.js'))) {
    for (const asset of (await getRaw(`${app.url}${script}`)).body.toString().match(assetPath) ?? []) assets.add(asset);
  }
  return [...assets];
}

/** Asserts a response carries nothing of the machinery: no SQL, no stack, no file paths. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/SELECT|INSERT|relation "|QueryFailedError|node_modules|\.ts:\d+|\bat [A-Za-z.]+ \(/);
}

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await (await t.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('answers unknown paths with a 404 error body', async () => {
    const response = await t.request('/wp-admin');
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('the playground', () => {
  it('is a small page for a browser on GET /graphql, revalidated by its ETag, with a policy that lets it load nothing from elsewhere', async () => {
    const page = await getRaw(`${t.url}/graphql`, { accept: BROWSER_ACCEPT });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'.*connect-src 'self'/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers.etag).toMatch(/^"[^"]+"$/);
    const html = page.body.toString();
    expect(html).toContain('<title>Masthead playground</title>');
    // The bundle is fetched (and cached) separately: no inline script, and a page of a few hundred bytes.
    expect(html).not.toMatch(/<script>[^<]/);
    expect(page.body.length).toBeLessThan(2048);

    const again = await getRaw(`${t.url}/graphql`, { accept: BROWSER_ACCEPT, 'if-none-match': page.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('serves its scripts, styles and workers as content-hashed files, precompressed, cached for a year', async () => {
    const assets = await playgroundAssets(t);
    expect(assets.filter((asset) => asset.endsWith('.css'))).toHaveLength(1);
    expect(assets.filter((asset) => /worker.*\.js$/.test(asset))).toHaveLength(3);
    for (const asset of assets) {
      const plain = await getRaw(`${t.url}${asset}`);
      expect(plain.status).toBe(200);
      expect(plain.headers['content-type']).toMatch(asset.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(plain.headers.vary).toMatch(/accept-encoding/i);
      expect(asset).toContain(`.${createHash('sha256').update(plain.body).digest('hex').slice(0, 16)}.`);

      const br = await getRaw(`${t.url}${asset}`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toMatch(/accept-encoding/i);
      expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      expect(br.body.length).toBeLessThan(plain.body.length);

      const gzip = await getRaw(`${t.url}${asset}`, { 'accept-encoding': 'gzip' });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    }
  });

  it('answers unknown and crafted asset names with 404, reading no file outside its build', async () => {
    const [script] = (await playgroundAssets(t)).filter((asset) => asset.endsWith('.js'));
    for (const path of [
      '/playground/assets/playground.0123456789abcdef.js',
      `${script}.br`,
      `${script}.gz`,
      '/playground/assets/..%2f..%2f..%2fpackage.json',
      '/playground/assets/..%2fplayground.html',
      '/playground/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
      '/playground/assets/..%5c..%5c..%5cpackage.json',
      '/playground/assets/%2fetc%2fpasswd',
      '/playground/assets/',
      '/playground/playground.html',
      '/playground/manifest.json',
    ]) {
      const response = await getRaw(`${t.url}${path}`, { 'accept-encoding': 'br, gzip' });
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(JSON.parse(response.body.toString()).errors[0].extensions.code).toBe('NOT_FOUND');
    }
  });

  it('leaves GET queries from clients to GraphQL, even from a browser', async () => {
    const query = `/graphql?query=${encodeURIComponent('{ __typename }')}`;
    const response = await t.request(query, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    const fromBrowser = await t.request(query, { headers: { accept: BROWSER_ACCEPT, 'apollo-require-preflight': 'true' } });
    expect(await fromBrowser.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('bad requests', () => {
  it('answers malformed JSON with 400 BAD_REQUEST', async () => {
    const response = await postRaw('{"query": "{ sections { name } ');
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_REQUEST');
    expectNoInternals(text);
  });

  it('answers a body over 100 kB with 413 PAYLOAD_TOO_LARGE before parsing it', async () => {
    const response = await postRaw(JSON.stringify({ query: `{ sections { name } }`, variables: { pad: 'x'.repeat(101 * 1024) } }));
    expect(response.status).toBe(413);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('accepts a body just under the limit', async () => {
    const response = await postRaw(JSON.stringify({ query: `{ sections { name } }`, variables: { pad: 'x'.repeat(99 * 1024) } }));
    expect(response.status).toBe(200);
  });

  it('lets staff send long article bodies (up to STAFF_MAX_BODY_BYTES), and nobody else', async () => {
    await t.reset();
    const { headers } = await t.staff(Role.EDITOR);
    const author = await factories(t.app.dataSource).makeAuthor();
    const body = `<p>${'Long read. '.repeat(30_000)}</p>`; // about 330 kB
    const mutation = { query: `mutation ($input: CreateArticleInput!) { createArticle(input: $input) { wordCount } }`, variables: { input: { title: 'Long read', body, authorId: author.id } } };
    const asEditor = await postRaw(JSON.stringify(mutation), 'application/json', headers);
    expect(asEditor.status).toBe(200);
    expect(((await asEditor.json()) as any).data.createArticle.wordCount).toBe(60_000);
    const forged = await postRaw(JSON.stringify(mutation), 'application/json', { authorization: 'Bearer mst_notARealToken' });
    expect(forged.status).toBe(413);
    expect(((await forged.json()) as any).errors[0].message).toContain('102400 bytes');
  });

  it('answers a non-JSON content type with 415', async () => {
    const response = await postRaw('query { sections { name } }', 'text/plain');
    expect(response.status).toBe(415);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a syntax error with 400 GRAPHQL_PARSE_FAILED', async () => {
    const response = await t.gql(`{ articles { edges { node { title } }`);
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('answers a request with no query with 400', async () => {
    const response = await postRaw(JSON.stringify({ variables: {} }));
    expect(response.status).toBe(400);
    expect(JSON.parse(await response.text()).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('answers an unknown field with 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const response = await t.gql(`{ articles { edges { node { password } } } }`);
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});

describe('query limits', () => {
  it('rejects a query nested deeper than the limit', async () => {
    let selection = 'id';
    for (let i = 0; i < 10; i++) selection = `replies(first: 1) { edges { node { ${selection} } } }`;
    const response = await t.gql(`{ articles(first: 1) { edges { node { comments(first: 1) { edges { node { ${selection} } } } } } } }`);
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(response.body.errors?.[0].message).toMatch(/depth limit of 24/);
  });

  it('rejects a query whose page sizes multiply past the cost limit, before running it', async () => {
    const before = t.app.sqlStatements.total;
    const response = await t.gql(`{ articles(first: 100) { edges { node { comments(first: 100) { edges { node { replies(first: 100) { edges { node { body } } } } } } } } } }`);
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['QUERY_TOO_COSTLY']);
    expect(response.body.errors?.[0].extensions).toMatchObject({ maxCost: 20_000 });
    expect(t.app.sqlStatements.total).toBe(before);
  });

  it('costs work the fields do not show: bodies as text, search highlights', async () => {
    const texts = Array.from({ length: 12 }, (_, i) => `t${i}: body(format: TEXT)`).join(' ');
    expect(errorCodes(await t.gql(`{ articles(first: 100) { edges { node { ${texts} } } } }`))).toEqual(['QUERY_TOO_COSTLY']);
    const searches = Array.from({ length: 25 }, (_, i) => `s${i}: searchArticles(query: "summit", first: 100) { edges { highlight } }`).join(' ');
    expect(errorCodes(await t.gql(`{ ${searches} }`))).toEqual(['QUERY_TOO_COSTLY']);
  });

  it('counts variables into the cost', async () => {
    const query = `query ($n: Int) { articles(first: $n) { edges { node { comments(first: $n) { edges { node { replies(first: $n) { edges { node { body } } } } } } } } } }`;
    expect((await t.gql(query, { n: 5 })).status).toBe(200);
    expect(errorCodes(await t.gql(query, { n: 100 }))).toEqual(['QUERY_TOO_COSTLY']);
  });

  it('rejects too many aliases, including aliases of __typename', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ');
    const response = await t.gql(`{ ${aliases} }`);
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('rejects too many directives', async () => {
    const fields = Array.from({ length: 6 }, (_, i) => `n${i}: name @include(if: true)`).join(' ');
    const response = await t.gql(`{ sections { ${fields} } }`);
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('rejects a document with more tokens than the limit with 400', async () => {
    const response = await t.gql(`{ ${'__typename '.repeat(6000)} }`);
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('lets the real front page and article page through', async () => {
    const { FRONT_PAGE_QUERY, ARTICLE_PAGE_QUERY } = await import('../bench/queries');
    expect((await t.gql(FRONT_PAGE_QUERY, { first: 20, comments: 50 })).status).toBe(200);
    expect((await t.gql(ARTICLE_PAGE_QUERY, { slug: 'any' })).status).toBe(200);
  });
});

describe('internal errors', () => {
  it('reach the client as a generic message with a code, never SQL or a stack', async () => {
    await t.reset();
    const f = factories(t.app.dataSource);
    const article = await f.makeArticle();
    // Break the database under the running app: the table of comment counts disappears.
    await t.app.dataSource.query('ALTER TABLE "article_comment_count" RENAME TO "article_comment_count_hidden"');
    try {
      const response = await t.gql(`query ($id: ID) { article(id: $id) { title commentCount } }`, { id: article.id });
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual({ article: null });
      expect(response.body.errors).toHaveLength(1);
      const [error] = response.body.errors ?? [];
      expect(Object.keys(error).sort()).toEqual(['extensions', 'locations', 'message', 'path']);
      // The counts are read with the article itself, so the failure surfaces at `article`.
      expect(error).toMatchObject({ message: 'Internal server error', path: ['article'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expectNoInternals(JSON.stringify(response.body));
      // The article list (a direct read, shared/direct-reads.ts) fails over to the executor, which reports it the same way.
      const list = await t.gql(`{ articles(first: 5) { edges { node { title commentCount } } } }`);
      expect(list.status).toBe(200);
      expect(list.body.data).toBeNull();
      expect(list.body.errors).toMatchObject([{ message: 'Internal server error', path: ['articles'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
      expectNoInternals(JSON.stringify(list.body));
    } finally {
      await t.app.dataSource.query('ALTER TABLE "article_comment_count_hidden" RENAME TO "article_comment_count"');
    }
  });
});

describe('in production mode', () => {
  let production: TestApp;
  beforeAll(async () => {
    production = await startTestApp({ NODE_ENV: 'production' });
  });
  afterAll(() => production.close());

  it('answers malformed JSON without a stack or HTML page', async () => {
    const response = await production.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expectNoInternals(await response.text());
  });

  it('turns introspection off for anonymous callers', async () => {
    const response = await production.gql(`{ __schema { types { name } } }`);
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('gives no field suggestions that would reveal the schema', async () => {
    const response = await production.gql(`{ articl { id } }`);
    expect(response.body.errors?.[0].message).not.toMatch(/Did you mean/);
  });

  it('serves no playground unless PLAYGROUND=true: a browser gets a short 404, its assets are not there', async () => {
    const page = await getRaw(`${production.url}/graphql`, { accept: BROWSER_ACCEPT, 'accept-encoding': 'br, gzip' });
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toMatch(/application\/json/);
    expect(page.body.length).toBeLessThan(512);
    expect(JSON.parse(page.body.toString()).errors[0].extensions.code).toBe('NOT_FOUND');
    for (const asset of await playgroundAssets(t)) expect((await getRaw(`${production.url}${asset}`)).status).toBe(404);
    // GET queries are still GraphQL's.
    const query = await production.request(`/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: BROWSER_ACCEPT, 'apollo-require-preflight': 'true' } });
    expect(await query.json()).toEqual({ data: { __typename: 'Query' } });

    const withPlayground = await startTestApp({ NODE_ENV: 'production', PLAYGROUND: 'true' });
    try {
      const shell = await getRaw(`${withPlayground.url}/graphql`, { accept: BROWSER_ACCEPT });
      expect(shell.status).toBe(200);
      expect(shell.body.toString()).toContain('<title>Masthead playground</title>');
    } finally {
      await withPlayground.close();
    }
  });
});
