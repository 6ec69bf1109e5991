import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createCdnPurger, type CdnPurgeSettings, type CdnPurgeStyle, type CdnPurgeTiming, type CdnPurger } from '../../src/cache/cdn-purge';

/**
 * The purger against a real HTTP server on a loopback port that stands in for Varnish, Fastly's or Cloudflare's API,
 * records what it receives and answers as each test tells it.
 */

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Never answer (for the timeout). */
  hang?: boolean;
}

interface PurgeEndpoint {
  url: string;
  received: Received[];
  /** How to answer the n-th request (from 0); 200 when unset. */
  answer: (request: Received, index: number) => Answer;
  close(): Promise<void>;
}

async function startPurgeEndpoint(): Promise<PurgeEndpoint> {
  const received: Received[] = [];
  const endpoint: PurgeEndpoint = { url: '', received, answer: () => ({ status: 200, body: '{"success":true}' }), close: async () => {} };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(entry);
      const answer = endpoint.answer(entry, received.length - 1);
      if (answer.hang) return;
      response.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  endpoint.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return endpoint;
}

/** A pino logger writing into an array, so tests can read what the purger logged. */
function capturedLog(): { log: pino.Logger; lines: () => Record<string, unknown>[]; raw: () => string } {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk.toString('utf8'));
      callback();
    },
  });
  return {
    log: pino({ level: 'trace' }, stream),
    lines: () => written.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
    raw: () => written.join(''),
  };
}

/** Short waits, so retries and give-ups take milliseconds; the defaults are checked separately below. */
const FAST: CdnPurgeTiming = { windowMs: 20, timeoutMs: 1_000, retryDelaysMs: [30, 60] };
const TOKEN = 'purge-token-3f9a7c1e-never-in-a-log';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('createCdnPurger', () => {
  let endpoint: PurgeEndpoint;
  let purgers: CdnPurger[];
  let logged: ReturnType<typeof capturedLog>;

  beforeEach(async () => {
    endpoint = await startPurgeEndpoint();
    purgers = [];
    logged = capturedLog();
  });
  afterEach(async () => {
    await Promise.all(purgers.map((purger) => purger.close()));
    await endpoint.close();
  });

  function purger(style: CdnPurgeStyle, options: { token?: string | null; path?: string; timing?: CdnPurgeTiming; url?: string } = {}): CdnPurger {
    const settings: CdnPurgeSettings = { url: options.url ?? `${endpoint.url}${options.path ?? '/'}`, style, token: options.token === undefined ? TOKEN : options.token };
    const created = createCdnPurger(settings, logged.log, options.timing ?? FAST);
    if (!created) throw new Error('createCdnPurger returned null for settings');
    purgers.push(created);
    return created;
  }

  const errors = () => logged.lines().filter((line) => line.level === 50);

  it('is null without settings: nothing to purge', () => {
    expect(createCdnPurger(null, logged.log)).toBeNull();
  });

  describe('xkey (Varnish)', () => {
    it('sends PURGE to the URL with the deduplicated tags in xkey-purge, and the token as a bearer when set', async () => {
      await purger('xkey', { path: '/purge?from=masthead' }).purge(['list:all', 'list:section:world', `article:${uuid(1)}`, 'list:all']);
      await purger('xkey', { token: null }).purge(['list:all']);
      expect(endpoint.received).toHaveLength(2);
      const [withToken, withoutToken] = endpoint.received;
      expect(withToken).toMatchObject({ method: 'PURGE', url: '/purge?from=masthead', body: '' });
      expect(withToken.headers['xkey-purge']).toBe(`list:all list:section:world article:${uuid(1)}`);
      expect(withToken.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(withoutToken.headers.authorization).toBeUndefined();
      expect(withoutToken.headers['xkey-purge']).toBe('list:all');
    });

    it('names at most 100 tags per request, every tag once', async () => {
      const tags = Array.from({ length: 250 }, (_, n) => `article:${uuid(n)}`);
      await purger('xkey').purge(tags);
      const sent = endpoint.received.map((request) => String(request.headers['xkey-purge']).split(' '));
      expect(sent.map((chunk) => chunk.length)).toEqual([100, 100, 50]);
      expect(sent.flat().sort()).toEqual([...tags].sort());
      expect(Math.max(...endpoint.received.map((request) => String(request.headers['xkey-purge']).length))).toBeLessThan(8 * 1024);
    });
  });

  describe('fastly', () => {
    it('POSTs the keys space-separated in Surrogate-Key with the Fastly-Key, at most 256 per request', async () => {
      const tags = Array.from({ length: 300 }, (_, n) => `comments:${uuid(n)}`);
      await purger('fastly', { path: '/service/SU1Z0isxPaozGVKXdv0eY/purge' }).purge(tags);
      expect(endpoint.received).toHaveLength(2);
      for (const request of endpoint.received) {
        expect(request).toMatchObject({ method: 'POST', url: '/service/SU1Z0isxPaozGVKXdv0eY/purge', body: '' });
        expect(request.headers['fastly-key']).toBe(TOKEN);
        expect(request.headers.authorization).toBeUndefined();
      }
      const sent = endpoint.received.map((request) => String(request.headers['surrogate-key']).split(' '));
      expect(sent.map((chunk) => chunk.length)).toEqual([256, 44]);
      expect(sent.flat().sort()).toEqual([...tags].sort());
    });
  });

  describe('cloudflare', () => {
    it('POSTs {"tags": [...]} with a bearer token, at most 30 tags per request', async () => {
      const tags = Array.from({ length: 70 }, (_, n) => `article:${uuid(n)}`);
      await purger('cloudflare', { path: '/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache' }).purge(tags);
      expect(endpoint.received).toHaveLength(3);
      for (const request of endpoint.received) {
        expect(request).toMatchObject({ method: 'POST', url: '/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache' });
        expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
        expect(request.headers['content-type']).toBe('application/json');
      }
      const sent = endpoint.received.map((request) => (JSON.parse(request.body) as { tags: string[] }).tags);
      expect(sent.map((chunk) => chunk.length)).toEqual([30, 30, 10]);
      expect(sent.flat().sort()).toEqual([...tags].sort());
    });

    it('names the pieces of a tag with a comma, as Cloudflare split them out of the comma-separated Cache-Tag header', async () => {
      await purger('cloudflare').purge(['list:author=ada,section=world', 'list:all']);
      expect(JSON.parse(endpoint.received[0].body)).toEqual({ tags: ['list:author=ada', 'section=world', 'list:all'] });
    });

    it('gives up without retrying when Cloudflare answers 200 with success: false', async () => {
      endpoint.answer = () => ({ status: 200, body: '{"success":false,"errors":[{"code":1134,"message":"Purge by tag not allowed"}]}' });
      await purger('cloudflare').purge(['list:all']);
      expect(endpoint.received).toHaveLength(1);
      expect(errors()).toEqual([expect.objectContaining({ tags: 1, reason: expect.stringContaining('Purge by tag not allowed') })]);
    });
  });

  it('skips tags that could not be sent in a header, and sends the rest', async () => {
    await purger('xkey').purge(['list:all', 'has space', 'line\nbreak', '']);
    expect(endpoint.received.map((request) => request.headers['xkey-purge'])).toEqual(['list:all']);
    expect(logged.lines()).toContainEqual(expect.objectContaining({ level: 40, tags: 2 }));
  });

  it('coalesces a burst of purges into one request, and a purge after it into the next', async () => {
    const cdn = purger('xkey');
    const burst = [cdn.purge(['list:all', `article:${uuid(1)}`]), cdn.purge([`article:${uuid(1)}`, 'list:section:world']), cdn.purge(['list:all'])];
    await new Promise((resolve) => setTimeout(resolve, 5));
    burst.push(cdn.purge([`comments:${uuid(2)}`]));
    await Promise.all(burst);
    expect(endpoint.received.map((request) => request.headers['xkey-purge'])).toEqual([`list:all article:${uuid(1)} list:section:world comments:${uuid(2)}`]);
    await cdn.purge(['list:all']);
    expect(endpoint.received.map((request) => request.headers['xkey-purge'])).toEqual([`list:all article:${uuid(1)} list:section:world comments:${uuid(2)}`, 'list:all']);
  });

  it('collects what arrives while a batch is in flight into the next single request', async () => {
    endpoint.answer = (_request, index) => (index === 0 ? { status: 503 } : { status: 200 });
    const cdn = purger('xkey');
    const first = cdn.purge(['list:all']);
    while (endpoint.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    // The first batch waits to retry its 503: meanwhile three more purges arrive.
    const later = [cdn.purge(['a:1']), cdn.purge(['a:2']), cdn.purge(['a:1', 'a:3'])];
    await Promise.all([first, ...later]);
    expect(endpoint.received.map((request) => request.headers['xkey-purge'])).toEqual(['list:all', 'list:all', 'a:1 a:2 a:3']);
  });

  it('retries after a 503 and stops at the first success', async () => {
    endpoint.answer = (_request, index) => (index === 0 ? { status: 503, body: 'backend fetch failed' } : { status: 200 });
    await purger('fastly').purge(['list:all']);
    expect(endpoint.received).toHaveLength(2);
    expect(endpoint.received[1].at - endpoint.received[0].at).toBeGreaterThanOrEqual(FAST.retryDelaysMs[0] - 5);
    expect(errors()).toEqual([]);
    expect(logged.lines()).toContainEqual(expect.objectContaining({ level: 40, msg: 'CDN purge failed; retrying', reason: 'HTTP 503: backend fetch failed' }));
  });

  it('waits as long as a 429 asks (Retry-After) before trying again', async () => {
    endpoint.answer = (_request, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200, body: '{"success":true}' });
    await purger('cloudflare').purge(['list:all']);
    expect(endpoint.received).toHaveLength(2);
    expect(endpoint.received[1].at - endpoint.received[0].at).toBeGreaterThanOrEqual(990);
  });

  it('gives up after three failed attempts without throwing, logging the tag count and never the token', async () => {
    // The endpoint echoes the credentials it got, as some error pages do.
    endpoint.answer = (request) => ({ status: 500, body: `bad gateway for ${request.headers.authorization ?? request.headers['fastly-key']}` });
    await expect(purger('cloudflare').purge(['list:all', 'list:section:world'])).resolves.toBeUndefined();
    await expect(purger('fastly').purge(['list:all'])).resolves.toBeUndefined();
    await expect(purger('xkey').purge(['list:all'])).resolves.toBeUndefined();
    expect(endpoint.received).toHaveLength(9);
    expect(errors()).toEqual([
      expect.objectContaining({ style: 'cloudflare', tags: 2, attempts: 3, reason: expect.stringMatching(/^HTTP 500: bad gateway for Bearer \[redacted\]/) }),
      expect.objectContaining({ style: 'fastly', tags: 1, attempts: 3 }),
      expect.objectContaining({ style: 'xkey', tags: 1, attempts: 3 }),
    ]);
    expect(logged.raw()).not.toContain(TOKEN);
  });

  it('does not retry what a retry cannot fix (403)', async () => {
    endpoint.answer = () => ({ status: 403, body: 'Forbidden' });
    await purger('xkey').purge(['list:all']);
    expect(endpoint.received).toHaveLength(1);
    expect(errors()).toEqual([expect.objectContaining({ tags: 1, attempts: 1, reason: 'HTTP 403: Forbidden' })]);
  });

  it('retries network errors and timeouts, then gives up without throwing', async () => {
    endpoint.answer = () => ({ status: 200, hang: true });
    await purger('xkey', { timing: { windowMs: 1, timeoutMs: 100, retryDelaysMs: [10, 10] } }).purge(['list:all']);
    expect(endpoint.received).toHaveLength(3);
    const closed = await startPurgeEndpoint();
    await closed.close();
    await purger('xkey', { url: closed.url, timing: { windowMs: 1, timeoutMs: 100, retryDelaysMs: [10, 10] } }).purge(['list:all']);
    expect(errors()).toEqual([
      expect.objectContaining({ attempts: 3, reason: expect.stringMatching(/^TimeoutError/) }),
      expect.objectContaining({ attempts: 3, reason: expect.stringContaining('ECONNREFUSED') }),
    ]);
  });

  it('uses 0.5 s and 2 s between attempts by default', async () => {
    endpoint.answer = () => ({ status: 502 });
    const cdn = createCdnPurger({ url: endpoint.url, style: 'xkey', token: null }, logged.log);
    await cdn?.purge(['list:all']);
    const [first, second, third] = endpoint.received.map((request) => request.at);
    expect(endpoint.received).toHaveLength(3);
    expect(second - first).toBeGreaterThanOrEqual(490);
    expect(third - second).toBeGreaterThanOrEqual(1990);
  });

  it('close() sends what is pending at once and waits for it', async () => {
    const cdn = purger('xkey', { timing: { ...FAST, windowMs: 60_000 } });
    const purged = cdn.purge(['list:all', 'list:section:world']);
    const started = Date.now();
    await cdn.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(endpoint.received.map((request) => request.headers['xkey-purge'])).toEqual(['list:all list:section:world']);
    await expect(purged).resolves.toBeUndefined();
  });
});
