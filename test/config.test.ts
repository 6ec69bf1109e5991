import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config';

describe('loadConfig', () => {
  it('defaults to the embedded database with demo content, and to a server without', () => {
    const embedded = loadConfig({});
    expect(embedded.database).toEqual({ kind: 'embedded', dataDir: '.data/pglite', statementTimeoutMs: 10_000, preparedStatements: false });
    expect(embedded.seedDemoContent).toBe(true);
    expect(embedded.http.maxBodyBytes).toBe(100 * 1024);
    const server = loadConfig({ DATABASE_URL: 'postgres://masthead@db.internal:5432/news' });
    expect(server.database).toMatchObject({ kind: 'server', url: 'postgres://masthead@db.internal:5432/news', poolSize: 10 });
    expect(server.seedDemoContent).toBe(false);
  });

  it('turns introspection off in production unless asked for', () => {
    const secret = { MASTHEAD_SECRET: 'x'.repeat(32) };
    expect(loadConfig({ NODE_ENV: 'production', ...secret }).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true', ...secret }).introspection).toBe(true);
    expect(loadConfig({}).introspection).toBe(true);
  });

  it('serves the playground outside production, and in production only when asked for', () => {
    const secret = { MASTHEAD_SECRET: 'x'.repeat(32) };
    expect(loadConfig({}).playground).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).playground).toBe(true);
    expect(loadConfig({ PLAYGROUND: 'false' }).playground).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', ...secret }).playground).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', PLAYGROUND: 'true', ...secret }).playground).toBe(true);
  });

  it('requires a real secret in production, and stands one in elsewhere', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/MASTHEAD_SECRET: required/);
    expect(() => loadConfig({ NODE_ENV: 'production', MASTHEAD_SECRET: 'short' })).toThrow(/MASTHEAD_SECRET:/);
    expect(loadConfig({}).secret.length).toBeGreaterThanOrEqual(32);
  });

  it('reads the comment policy and trusted proxies', () => {
    const config = loadConfig({ COMMENT_BLOCKED_WORDS: ' Casino, cheap pills ,', TRUST_PROXY: '2', COMMENT_DEFAULT_STATUS: 'APPROVED' });
    expect(config.comments).toMatchObject({ blockedWords: ['casino', 'cheap pills'], defaultStatus: 'APPROVED', maxDepth: 5, floodSeconds: 15 });
    expect(config.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });

  it('purges no CDN unless CDN_PURGE_URL is set, and wants a token for the purge APIs', () => {
    expect(loadConfig({}).cdnPurge).toBeNull();
    expect(loadConfig({ CDN_PURGE_URL: 'http://127.0.0.1:6081/' }).cdnPurge).toEqual({ url: 'http://127.0.0.1:6081/', style: 'xkey', token: null });
    const fastly = loadConfig({ CDN_PURGE_URL: 'https://api.fastly.com/service/abc/purge', CDN_PURGE_STYLE: 'fastly', CDN_PURGE_TOKEN: 'secret' });
    expect(fastly.cdnPurge).toEqual({ url: 'https://api.fastly.com/service/abc/purge', style: 'fastly', token: 'secret' });
    expect(() => loadConfig({ CDN_PURGE_URL: 'https://api.cloudflare.com/client/v4/zones/z/purge_cache', CDN_PURGE_STYLE: 'cloudflare' })).toThrow(
      /CDN_PURGE_TOKEN: required when CDN_PURGE_STYLE=cloudflare/,
    );
    expect(() => loadConfig({ CDN_PURGE_URL: 'http://user:pass@varnish:6081/' })).toThrow(/CDN_PURGE_URL: must not carry credentials/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).database.kind).toBe('embedded');
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://root@localhost/news'],
    ['PUBLIC_BASE_URL', 'ftp://news.example.com'],
    ['MAX_QUERY_DEPTH', '1'],
    ['LOG_LEVEL', 'loud'],
    ['CORS_ORIGINS', 'not a url'],
    ['SEED_DEMO_CONTENT', 'maybe'],
    ['ARTICLE_PATH_TEMPLATE', 'articles/{title}'],
    ['CDN_PURGE_URL', 'varnish:6081'],
    ['CDN_PURGE_STYLE', 'akamai'],
  ])('stops start-up when %s=%p, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('is documented: .env.example names every variable, and only those', () => {
    const example = fs.readFileSync(path.join(__dirname, '..', '.env.example'), 'utf8');
    const documented = [...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]);
    expect([...new Set(documented)].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
