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
    expect(loadConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(loadConfig({}).introspection).toBe(true);
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
