import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createCdnPurger } from '../../src/cache/cdn-purge';
import { startVarnish, varnishRequired, varnishUnavailable, type TestVarnish } from '../setup/varnish';

/**
 * docs/varnish/masthead.vcl in a real varnishd, in front of a small backend that answers as the gateway's public
 * GraphQL GETs do (Cache-Control with s-maxage and stale-while-revalidate, a strong ETag, Surrogate-Key), and purged
 * by createCdnPurger in the xkey style. Without Varnish installed this suite is skipped, saying why, unless
 * REQUIRE_VARNISH is set (CI), where it fails.
 */
const unavailable = varnishUnavailable();
const describeWithVarnish = !unavailable || varnishRequired() ? describe : describe.skip;
const PUBLIC = 'public, max-age=30, s-maxage=300, stale-while-revalidate=30';

/** What the backend answers for one URL. */
interface Route {
  cacheControl: string;
  tags?: string[];
}

interface Backend {
  port: number;
  routes: Map<string, Route>;
  /** Requests that reached the backend, by URL. */
  seen: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function startBackend(): Promise<Backend> {
  const routes = new Map<string, Route>();
  const seen: Backend['seen'] = [];
  const server = http.createServer((request, response) => {
    const url = request.url ?? '';
    seen.push({ url, headers: request.headers });
    const route = routes.get(url);
    if (!route) return void response.writeHead(404).end();
    // Each fetch from the backend says which one it was, so a test can tell a cached body from a fresh one.
    const body = JSON.stringify({ data: { url, fetch: seen.filter((entry) => entry.url === url).length } });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': route.cacheControl, etag: `"${Buffer.from(body).toString('base64url').slice(-27)}"` };
    if (route.tags) {
      headers['surrogate-key'] = route.tags.join(' ');
      headers['cache-tag'] = route.tags.join(',');
    }
    response.writeHead(200, headers).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    routes,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** node:http rather than fetch, to choose the local address a request comes from. */
function request(url: string, options: { method?: string; headers?: Record<string, string>; localAddress?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describeWithVarnish(`Varnish with docs/varnish/masthead.vcl${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let backend: Backend;
  let varnish: TestVarnish;
  const reached = (path: string) => backend.seen.filter((entry) => entry.url === path).length;

  beforeAll(async () => {
    backend = await startBackend();
    varnish = await startVarnish({ backendPort: backend.port });
  }, 60_000);
  afterAll(async () => {
    await varnish?.stop();
    await backend?.close();
  });

  it('answers the second GET of a public response from the cache, with the gateway’s headers but not the xkey index', async () => {
    const path = '/graphql?query=%7Barticles%7Bid%7D%7D';
    backend.routes.set(path, { cacheControl: PUBLIC, tags: ['list:all', 'article:11111111-1111-4111-8111-111111111111'] });
    const first = await request(`${varnish.url}${path}`);
    const second = await request(`${varnish.url}${path}`);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.body).toBe(first.body);
    expect(reached(path)).toBe(1);
    expect(second.headers).toMatchObject({ 'cache-control': PUBLIC, etag: first.headers.etag, 'surrogate-key': 'list:all article:11111111-1111-4111-8111-111111111111' });
    expect(second.headers.xkey).toBeUndefined();
    // A browser revalidating with the ETag gets a 304 from the cache.
    const revalidated = await request(`${varnish.url}${path}`, { headers: { 'if-none-match': String(first.headers.etag) } });
    expect(revalidated.status).toBe(304);
    expect(reached(path)).toBe(1);
  });

  it('sends requests with an Authorization header to the gateway, and does not answer them from the cache', async () => {
    const path = '/graphql?query=%7Bdrafts%7D';
    backend.routes.set(path, { cacheControl: PUBLIC, tags: ['list:all'] });
    await request(`${varnish.url}${path}`);
    expect((await request(`${varnish.url}${path}`)).headers['x-cache']).toBe('HIT');
    const staff = await request(`${varnish.url}${path}`, { headers: { authorization: 'Bearer mst_staff' } });
    const again = await request(`${varnish.url}${path}`, { headers: { authorization: 'Bearer mst_staff' } });
    expect([staff.headers['x-cache'], again.headers['x-cache']]).toEqual(['MISS', 'MISS']);
    expect(backend.seen.filter((entry) => entry.url === path).map((entry) => entry.headers.authorization)).toEqual([undefined, 'Bearer mst_staff', 'Bearer mst_staff']);
  });

  it('does not store private, no-store responses', async () => {
    const path = '/graphql?query=%7Bviewer%7D';
    backend.routes.set(path, { cacheControl: 'private, no-store' });
    const answers = [await request(`${varnish.url}${path}`), await request(`${varnish.url}${path}`)];
    expect(answers.map((answer) => answer.headers['x-cache'])).toEqual(['MISS', 'MISS']);
    expect(answers.map((answer) => JSON.parse(answer.body).data.fetch)).toEqual([1, 2]);
  });

  it('lets POSTed GraphQL through without caching it', async () => {
    const path = '/graphql?post';
    backend.routes.set(path, { cacheControl: PUBLIC, tags: ['list:all'] });
    await request(`${varnish.url}${path}`, { method: 'POST' });
    await request(`${varnish.url}${path}`, { method: 'POST' });
    expect(reached(path)).toBe(2);
  });

  it('purges exactly the responses carrying a tag the purger names, and keeps the rest', async () => {
    const world = '/graphql?query=%7Barticles(section%3A%22world%22)%7Bid%7D%7D';
    const worldArticle = '/graphql?query=%7Barticle(id%3A%22w%22)%7Btitle%7D%7D';
    const sport = '/graphql?query=%7Barticles(section%3A%22sport%22)%7Bid%7D%7D';
    backend.routes.set(world, { cacheControl: PUBLIC, tags: ['list:section:world', 'article:22222222-2222-4222-8222-222222222222'] });
    backend.routes.set(worldArticle, { cacheControl: PUBLIC, tags: ['article:22222222-2222-4222-8222-222222222222', 'list:section:world', 'comments:22222222-2222-4222-8222-222222222222'] });
    backend.routes.set(sport, { cacheControl: PUBLIC, tags: ['list:section:sport', 'article:33333333-3333-4333-8333-333333333333'] });
    for (const path of [world, worldArticle, sport]) await request(`${varnish.url}${path}`);
    for (const path of [world, worldArticle, sport]) expect((await request(`${varnish.url}${path}`)).headers['x-cache']).toBe('HIT');

    const purger = createCdnPurger({ url: `${varnish.url}/`, style: 'xkey', token: null }, pino({ level: 'silent' }));
    await purger?.purge(['list:section:world']);
    await purger?.close();

    const after = await Promise.all([world, worldArticle, sport].map((path) => request(`${varnish.url}${path}`)));
    expect(after.map((answer) => answer.headers['x-cache'])).toEqual(['MISS', 'MISS', 'HIT']);
    expect(after.map((answer) => JSON.parse(answer.body).data.fetch)).toEqual([2, 2, 1]);
  });

  it('answers a PURGE with how many objects went, and wants the xkey-purge header', async () => {
    const path = '/graphql?query=%7Bsections%7D';
    backend.routes.set(path, { cacheControl: PUBLIC, tags: ['section:any'] });
    await request(`${varnish.url}${path}`);
    const purged = await request(`${varnish.url}/`, { method: 'PURGE', headers: { 'xkey-purge': 'section:any no-such-tag' } });
    expect(purged).toMatchObject({ status: 200, body: 'Purged 1\n', headers: expect.objectContaining({ 'xkey-purged': '1' }) });
    expect((await request(`${varnish.url}/`, { method: 'PURGE' })).status).toBe(400);
  });

  it('refuses a PURGE from an address outside the purgers ACL, and purges nothing', async () => {
    const path = '/graphql?query=%7Btags%7D';
    backend.routes.set(path, { cacheControl: PUBLIC, tags: ['tag:any'] });
    await request(`${varnish.url}${path}`);
    // 127.0.0.2 is loopback on Linux but not in the ACL, which lists 127.0.0.1 itself.
    const refused = await request(`${varnish.url}/`, { method: 'PURGE', headers: { 'xkey-purge': 'tag:any' }, localAddress: '127.0.0.2' });
    expect(refused.status).toBe(403);
    expect((await request(`${varnish.url}${path}`)).headers['x-cache']).toBe('HIT');
  });
});
