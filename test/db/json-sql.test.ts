import { ArticleLinks } from '../../src/article/article.links';
import { isoTimestampSql, jsonArraySql, jsonIntegerOrBooleanSql, jsonPlainStringSql, jsonValueSql, uriComponentSql } from '../../src/db/json-sql';
import { readingTimeMinutes, readingTimeMinutesSql } from '../../src/shared/html';
import { startTestApp, type TestApp } from '../setup/harness';

/** The SQL that builds response values (direct reads) must give what the JavaScript the resolvers use gives. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function sqlValue(expression: string, parameters: unknown[]): Promise<unknown> {
  const [row] = (await t.app.dataSource.query(`SELECT ${expression} AS "value"`, parameters)) as { value: unknown }[];
  return row.value;
}

describe('SQL for built response values', () => {
  it('writes timestamps as toISOString() does', async () => {
    const instants = ['2026-11-20T09:30:00.000Z', '2026-11-20T09:30:00.120Z', '2026-11-20T09:30:00.007Z', '0999-02-03T04:05:06.789Z', '9999-12-31T23:59:59.999Z', '2024-02-29T00:00:00.5Z'];
    for (const instant of instants) {
      const date = new Date(instant);
      expect(await sqlValue(isoTimestampSql('$1::timestamptz(3)'), [date])).toBe(date.toISOString());
    }
  });

  it('writes JSON values as JSON.stringify() does', async () => {
    const texts = ['plain', 'quote " and backslash \\', 'line\nbreak\ttab\r\b\f', 'control \u0001\u001f\u007f', 'l’été 東京 🎉 \u2028\u2029', '</script>', ''];
    for (const text of texts) expect(await sqlValue(jsonValueSql('$1::text'), [text])).toBe(JSON.stringify(text));
    expect(await sqlValue(jsonValueSql('$1::text'), [null])).toBe('null');
    for (const n of [0, 7, -3, 2_147_483_647]) {
      expect(await sqlValue(jsonValueSql('$1::int'), [n])).toBe(JSON.stringify(n));
      expect(await sqlValue(jsonIntegerOrBooleanSql('$1::int'), [n])).toBe(JSON.stringify(n));
    }
    for (const b of [true, false]) expect(await sqlValue(jsonIntegerOrBooleanSql('$1::boolean'), [b])).toBe(JSON.stringify(b));
    expect(await sqlValue(jsonIntegerOrBooleanSql('$1::int'), [null])).toBe('null');
    const id = '6f1c2a9e-0000-4000-8000-000000000001';
    expect(await sqlValue(jsonPlainStringSql('$1::uuid'), [id])).toBe(JSON.stringify(id));
    const at = new Date('2026-11-20T09:30:00.120Z');
    expect(await sqlValue(jsonPlainStringSql(isoTimestampSql('$1::timestamptz')), [at])).toBe(JSON.stringify(at));
    expect(await sqlValue(jsonPlainStringSql('$1::uuid'), [null])).toBe('null');
    const select = (values: string) => `SELECT ${jsonValueSql('"v"')} FROM unnest(${values}::text[]) WITH ORDINALITY AS "x"("v", "i") ORDER BY "i"`;
    expect(await sqlValue(jsonArraySql(select('$1')), [['b', 'a "q"', 'c']])).toBe(JSON.stringify(['b', 'a "q"', 'c']));
    expect(await sqlValue(jsonArraySql(select('$1')), [[]])).toBe('[]');
  });

  it('escapes as encodeURIComponent() does', async () => {
    const texts = ['plain-slug-2026', 'l’été à Paris', 'a/b?c=d&e#f', "it's (fine)!~*._-", '100% 東京', 'emoji 🎉', ''];
    for (const text of texts) expect(await sqlValue(uriComponentSql('$1::text'), [text])).toBe(encodeURIComponent(text));
  });

  it('counts reading time as readingTimeMinutes() does', async () => {
    for (const words of [0, 1, 229, 230, 231, 460, 461, 10_000]) expect(await sqlValue(readingTimeMinutesSql('$1::int'), [words])).toBe(readingTimeMinutes(words));
  });

  it('builds article URLs as ArticleLinks.url() does, for every placeholder', async () => {
    const links = new ArticleLinks('https://news.example.com', '/{yyyy}/{mm}/{dd}/{slug}-{id}.html?x={slug}');
    const article = { id: '6f1c2a9e-0000-4000-8000-000000000001', slug: 'été-2026', publishedAt: new Date('2026-01-05T23:59:59.999Z') };
    const sql = links.urlSql({ slug: '$1::text', id: '$2::uuid', publishedAt: '$3::timestamptz' });
    expect(await sqlValue(sql, [article.slug, article.id, article.publishedAt])).toBe(links.url(article));
  });
});
