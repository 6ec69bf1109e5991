import { ArticleStatus } from '../../src/article/article.entity';
import { errorCodes, startTestApp, useTestApp } from '../setup/harness';
import { BROWSER, viewAt } from '../setup/views';

const RECORD = `mutation ($input: ArticleViewInput!) { recordArticleView(input: $input) { outcome counted } }`;
const RECORD_MANY = `mutation ($views: [ArticleViewInput!]!) { recordArticleViews(views: $views) { received counted outcomes } }`;
const VIEW_COUNT = `query ($id: ID) { article(id: $id) { viewCount } }`;

const { t, f } = useTestApp({ VIEWS_PER_CLIENT_MINUTE: '100000', TRUST_PROXY: 'true' });

async function viewCount(id: string): Promise<number> {
  return (await t.gql(VIEW_COUNT, { id })).body.data?.article.viewCount;
}

async function stored(): Promise<{ views: number; hourly: number; daily: number; total: number }> {
  const [row] = await t.app.dataSource.query(
    `SELECT (SELECT count(*)::int FROM "article_view") AS "views",
            (SELECT coalesce(sum("views"), 0)::int FROM "article_view_hourly") AS "hourly",
            (SELECT coalesce(sum("views"), 0)::int FROM "article_view_daily") AS "daily",
            (SELECT coalesce(sum("views"), 0)::int FROM "article_view_total") AS "total"`,
  );
  return row;
}

describe('recording views', () => {
  it('counts a visitor once per article within the dedupe window, and every other visitor', async () => {
    const article = await f.makeArticle();
    const view = (visitorId: string) => t.gql(RECORD, { input: { articleId: article.id, visitorId } }, BROWSER);
    expect((await view('reader-a')).body.data?.recordArticleView).toEqual({ outcome: 'COUNTED', counted: true });
    expect((await view('reader-a')).body.data?.recordArticleView).toEqual({ outcome: 'REPEAT', counted: false });
    expect((await view('reader-b')).body.data?.recordArticleView).toEqual({ outcome: 'COUNTED', counted: true });
    expect(await viewCount(article.id)).toBe(2);
    expect(await stored()).toEqual({ views: 2, hourly: 2, daily: 2, total: 2 });
  });

  it('counts the same visitor again once the window has passed', async () => {
    const article = await f.makeArticle();
    const start = new Date(Date.now() - 3 * 3_600_000);
    const at = (minutes: number) => viewAt(t, article.id, 'reader', new Date(start.getTime() + minutes * 60_000));
    expect(await at(0)).toBe('COUNTED');
    expect(await at(29)).toBe('REPEAT');
    expect(await at(30)).toBe('COUNTED');
    expect(await at(45)).toBe('REPEAT');
    expect(await viewCount(article.id)).toBe(2);
    const [totals] = await t.app.dataSource.query(`SELECT "views", "unique_visitors" FROM "article_view_total" WHERE "article_id" = $1`, [article.id]);
    expect(totals).toEqual({ views: 2, unique_visitors: 1 });
  });

  it('without a visitorId, tells visitors apart by address and user agent, and keeps only the referring site', async () => {
    const article = await f.makeArticle();
    const input = { articleId: article.id, referrer: 'https://social.example.net/share/abc?user=jane@example.com' };
    expect((await t.gql(RECORD, { input }, BROWSER)).body.data?.recordArticleView.outcome).toBe('COUNTED');
    expect((await t.gql(RECORD, { input }, BROWSER)).body.data?.recordArticleView.outcome).toBe('REPEAT');
    const otherBrowser = { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1' };
    expect((await t.gql(RECORD, { input }, otherBrowser)).body.data?.recordArticleView.outcome).toBe('COUNTED');
    const rows = await t.app.dataSource.query(`SELECT "referrer_host", length("visitor_hash") AS "hash_bytes" FROM "article_view"`);
    expect(rows).toEqual([
      { referrer_host: 'https://social.example.net', hash_bytes: 32 },
      { referrer_host: 'https://social.example.net', hash_bytes: 32 },
    ]);
    // One salt for today's address-based hashes, random, kept in the database.
    expect(await t.app.dataSource.query(`SELECT "day"::text AS "day", length("salt") AS "bytes" FROM "visitor_salt"`)).toEqual([
      { day: new Date().toISOString().slice(0, 10), bytes: 32 },
    ]);
  });

  it('does not count bots, or clients that send no user agent', async () => {
    const article = await f.makeArticle();
    const agents: Record<string, string>[] = [{ 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }, { 'user-agent': 'curl/8.5.0' }, {}];
    for (const headers of agents) {
      const response = await t.gql(RECORD, { input: { articleId: article.id, visitorId: 'x' } }, headers);
      expect(response.body.data?.recordArticleView).toEqual({ outcome: 'BOT', counted: false });
    }
    expect(await stored()).toEqual({ views: 0, hourly: 0, daily: 0, total: 0 });
  });

  it('refuses unknown and unpublished articles and malformed input, storing nothing', async () => {
    const draft = await f.makeArticle({ status: ArticleStatus.DRAFT });
    const scheduled = await f.makeArticle({ status: ArticleStatus.SCHEDULED, publishedAt: new Date(Date.now() + 3_600_000) });
    for (const articleId of [draft.id, scheduled.id, '00000000-0000-4000-8000-000000000009']) {
      const response = await t.gql(RECORD, { input: { articleId, visitorId: 'x' } }, BROWSER);
      expect(errorCodes(response)).toEqual(['NOT_FOUND']);
      expect(response.body.errors?.[0].message).toBe('There is no published article with this id.');
    }
    const article = await f.makeArticle();
    for (const input of [
      { articleId: 'not-an-id' },
      { articleId: article.id, visitorId: 'x'.repeat(201) },
      { articleId: article.id, visitorId: 'a\u0000b' },
      { articleId: article.id, referrer: 'javascript:alert(1)' },
      { articleId: article.id, viewedAt: new Date(Date.now() + 3_600_000).toISOString() },
      { articleId: article.id, viewedAt: new Date(Date.now() - 25 * 3_600_000).toISOString() },
    ]) {
      expect(errorCodes(await t.gql(RECORD, { input }, BROWSER))).toEqual(['BAD_USER_INPUT']);
    }
    expect(await stored()).toEqual({ views: 0, hourly: 0, daily: 0, total: 0 });
  });

  it('takes up to 100 views at once, each with its own outcome, including views queued offline', async () => {
    const article = await f.makeArticle();
    const other = await f.makeArticle();
    const draft = await f.makeArticle({ status: ArticleStatus.DRAFT });
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const response = await t.gql(
      RECORD_MANY,
      {
        views: [
          { articleId: article.id, visitorId: 'v1', viewedAt: twoHoursAgo },
          { articleId: article.id, visitorId: 'v1' },
          { articleId: other.id, visitorId: 'v1' },
          { articleId: draft.id, visitorId: 'v1' },
        ],
      },
      BROWSER,
    );
    expect(response.body.data?.recordArticleViews).toEqual({ received: 4, counted: 2, outcomes: ['COUNTED', 'REPEAT', 'COUNTED', 'NOT_FOUND'] });
    const [{ viewed_at }] = await t.app.dataSource.query(`SELECT "viewed_at" FROM "article_view" WHERE "article_id" = $1`, [article.id]);
    expect(new Date(viewed_at).toISOString()).toBe(twoHoursAgo);
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ articleId: article.id, visitorId: `v${i}` }));
    expect(errorCodes(await t.gql(RECORD_MANY, { views: tooMany }, BROWSER))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.gql(RECORD_MANY, { views: [] }, BROWSER))).toEqual(['BAD_USER_INPUT']);
    expect((await stored()).views).toBe(2);
  });

  it('counts 1,000 concurrent views from distinct visitors exactly once each', async () => {
    const article = await f.makeArticle();
    // Each from an address of its own: one address counts at most VIEWS_PER_CLIENT_ARTICLE (view-limits.test.ts).
    const responses = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        t.gql(RECORD, { input: { articleId: article.id, visitorId: `visitor-${i}` } }, { ...BROWSER, 'x-forwarded-for': `10.60.${i >> 8}.${i & 255}` }),
      ),
    );
    expect(responses.filter((response) => response.body.data?.recordArticleView?.outcome === 'COUNTED')).toHaveLength(1_000);
    expect(await viewCount(article.id)).toBe(1_000);
    expect(await stored()).toEqual({ views: 1_000, hourly: 1_000, daily: 1_000, total: 1_000 });
  });

  it('counts concurrent repeats of one visitor once', async () => {
    const article = await f.makeArticle();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => t.gql(RECORD, { input: { articleId: article.id, visitorId: 'same' } }, BROWSER)),
    );
    const outcomes = responses.map((response) => response.body.data?.recordArticleView.outcome);
    expect(outcomes.filter((outcome) => outcome === 'COUNTED')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'REPEAT')).toHaveLength(49);
    expect(await viewCount(article.id)).toBe(1);
  });

  it('prunes raw events after VIEW_RETENTION_DAYS while the rollups keep the counts', async () => {
    const article = await f.makeArticle();
    const now = Date.now();
    await viewAt(t, article.id, 'old', new Date(now - 40 * 86_400_000));
    await viewAt(t, article.id, 'recent', new Date(now - 86_400_000));
    await t.app.dataSource.query(`INSERT INTO "visitor_salt" ("day", "salt") VALUES ('2020-01-01', '\\x00')`);
    expect(await t.app.services.views.prune(new Date(now), 1)).toEqual({ views: 1, visitors: 1 });
    expect(await stored()).toEqual({ views: 1, hourly: 2, daily: 2, total: 2 });
    expect(await viewCount(article.id)).toBe(2);
    expect(await t.app.dataSource.query(`SELECT 1 FROM "visitor_salt" WHERE "day" = '2020-01-01'`)).toEqual([]);
  });
});

describe('a client reporting too many views', () => {
  it('is answered RATE_LIMITED with a retry time, and nothing more is stored', async () => {
    const limited = await startTestApp({ VIEWS_PER_CLIENT_MINUTE: '3' });
    try {
      await limited.reset();
      const article = await f.makeArticle();
      const view = (visitorId: string) => limited.gql(RECORD, { input: { articleId: article.id, visitorId } }, BROWSER);
      for (const visitor of ['a', 'b', 'c']) expect((await view(visitor)).body.data?.recordArticleView.outcome).toBe('COUNTED');
      const refused = await view('d');
      expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
      expect(refused.body.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
      expect(await limited.app.dataSource.query(`SELECT count(*)::int AS "count" FROM "article_view"`)).toEqual([{ count: 3 }]);
    } finally {
      await limited.close();
    }
  });
});
