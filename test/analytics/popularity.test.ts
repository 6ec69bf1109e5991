import { ArticleStatus } from '../../src/article/article.entity';
import { CommentStatus } from '../../src/comment/comment.entity';
import { errorCodes, startTestApp, useTestApp, type TestApp } from '../setup/harness';
import { viewAt } from '../setup/views';

const POPULAR = `query ($window: PopularityWindow, $section: String, $first: Int) {
  popularArticles(window: $window, section: $section, first: $first) { rank views article { id title } }
}`;
const TRENDING = `query ($first: Int) { trendingArticles(first: $first) { rank article { id } popularity { views24h views7d comments score } } }`;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const { t, f } = useTestApp();

/** `count` views of the article, each from its own visitor, at `at`. */
async function views(app: TestApp, articleId: string, count: number, at: Date): Promise<void> {
  for (let i = 0; i < count; i++) expect(await viewAt(app, articleId, `${articleId}-${at.getTime()}-${i}`, at)).toBe('COUNTED');
}

async function popular(variables: Record<string, unknown>, app: TestApp = t) {
  const response = await app.gql(POPULAR, variables);
  expect(response.body.errors).toBeUndefined();
  return (response.body.data?.popularArticles as { rank: number; views: number; article: { id: string } }[]).map((item) => [item.rank, item.article.id, item.views]);
}

describe('popularArticles', () => {
  it('ranks public articles by views in the window, optionally in one section', async () => {
    const politics = await f.makeSection({ slug: 'politics' });
    const [a, b, c] = [await f.makeArticle({ section: politics }), await f.makeArticle(), await f.makeArticle({ section: politics })];
    const now = Date.now();
    await views(t, a.id, 2, new Date(now - 2 * HOUR));
    await views(t, b.id, 3, new Date(now - 3 * DAY));
    await views(t, c.id, 1, new Date(now - 10 * DAY));
    expect(await popular({})).toEqual([
      [1, b.id, 3],
      [2, a.id, 2],
    ]);
    expect(await popular({ window: 'LAST_24_HOURS' })).toEqual([[1, a.id, 2]]);
    expect(await popular({ window: 'LAST_30_DAYS' })).toEqual([
      [1, b.id, 3],
      [2, a.id, 2],
      [3, c.id, 1],
    ]);
    expect(await popular({ window: 'LAST_30_DAYS', section: 'politics', first: 1 })).toEqual([[1, a.id, 2]]);
    // Taken down: no longer listed, its views kept.
    await t.app.dataSource.query(`UPDATE "article" SET "status" = 'DRAFT' WHERE "id" = $1`, [b.id]);
    expect(await popular({})).toEqual([[1, a.id, 2]]);
  });

  it('counts a view 7 days and 1 second old out, and one a few seconds younger in', async () => {
    const [inside, outside] = [await f.makeArticle(), await f.makeArticle()];
    const now = Date.now();
    // The query runs moments after `now`: "a few seconds younger" leaves it room.
    await views(t, inside.id, 1, new Date(now - 7 * DAY + 20_000));
    await views(t, outside.id, 1, new Date(now - 7 * DAY - 1_000));
    await views(t, inside.id, 1, new Date(now - DAY + 20_000));
    await views(t, outside.id, 1, new Date(now - DAY - 1_000));
    expect(await popular({ window: 'LAST_7_DAYS' })).toEqual([
      [1, inside.id, 2],
      [2, outside.id, 1],
    ]);
    expect(await popular({ window: 'LAST_24_HOURS' })).toEqual([[1, inside.id, 1]]);
  });

  it('refuses a page size outside 1..50 and an unknown window', async () => {
    for (const first of [0, 51, -1]) expect(errorCodes(await t.gql(POPULAR, { first }))).toEqual(['BAD_USER_INPUT']);
    expect((await t.gql(POPULAR, { window: 'LAST_YEAR' })).status).toBe(400);
  });
});

describe('rollups and raw events', () => {
  let raw: TestApp;
  beforeAll(async () => {
    raw = await startTestApp({ POPULARITY_SOURCE: 'raw' });
  });
  afterAll(() => raw.close());

  it('give the same popular lists for every window, and the rollups add up to the raw events', async () => {
    const articles = [await f.makeArticle(), await f.makeArticle(), await f.makeArticle(), await f.makeArticle()];
    const now = Date.now();
    // Deterministic spread over 35 days, with repeats and hour and day edges, from a small visitor pool.
    let state = 7;
    const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 400; i++) {
      const article = articles[Math.floor(next() ** 2 * articles.length)];
      const at = new Date(now - Math.floor(next() * 35 * DAY));
      await viewAt(t, article.id, `v${Math.floor(next() * 40)}`, at);
    }
    for (const window of ['LAST_24_HOURS', 'LAST_7_DAYS', 'LAST_30_DAYS']) {
      expect(await popular({ window, first: 50 }, raw)).toEqual(await popular({ window, first: 50 }));
    }
    const mismatches = await t.app.dataSource.query(`
      SELECT 'hourly' AS "tier" FROM (
        SELECT "article_id", date_trunc('hour', "viewed_at", 'UTC') AS "bucket", count(*)::int AS "views" FROM "article_view" GROUP BY 1, 2
      ) "raw" FULL JOIN "article_view_hourly" "h" ON "h"."article_id" = "raw"."article_id" AND "h"."hour" = "raw"."bucket"
      WHERE "h"."views" IS DISTINCT FROM "raw"."views"
      UNION ALL
      SELECT 'daily' FROM (
        SELECT "article_id", ("viewed_at" AT TIME ZONE 'UTC')::date AS "bucket", count(*)::int AS "views" FROM "article_view" GROUP BY 1, 2
      ) "raw" FULL JOIN "article_view_daily" "d" ON "d"."article_id" = "raw"."article_id" AND "d"."day" = "raw"."bucket"
      WHERE "d"."views" IS DISTINCT FROM "raw"."views"
      UNION ALL
      SELECT 'total' FROM (SELECT "article_id", count(*)::int AS "views" FROM "article_view" GROUP BY 1) "raw"
      FULL JOIN "article_view_total" "t" ON "t"."article_id" = "raw"."article_id" WHERE "t"."views" IS DISTINCT FROM "raw"."views"`);
    expect(mismatches).toEqual([]);
  });
});

describe('popularity window totals', () => {
  let raw: TestApp;
  beforeAll(async () => {
    raw = await startTestApp({ POPULARITY_SOURCE: 'raw' });
  });
  afterAll(() => raw.close());

  /** Deterministic views over the last `days` days on a few articles, with repeats, from a small visitor pool. */
  async function spreadViews(articles: { id: string }[], count: number, days: number, seed: number, now: number): Promise<void> {
    let state = seed;
    const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < count; i++) {
      const article = articles[Math.floor(next() ** 2 * articles.length)];
      await viewAt(t, article.id, `v${seed}-${Math.floor(next() * 40)}`, new Date(now - Math.floor(next() * days * DAY)));
    }
  }

  /** Each window's totals, checked against the raw events since as_of - window: nothing missing, nothing twice. */
  async function totalsMismatches(): Promise<unknown[]> {
    return t.app.dataSource.query(`
      WITH windows ("window", "length") AS (VALUES ('LAST_24_HOURS', interval '24 hours'), ('LAST_7_DAYS', interval '168 hours'), ('LAST_30_DAYS', interval '720 hours')),
      expected AS (
        SELECT w."window", v."article_id", count(*)::int AS "views"
        FROM "article_view" v CROSS JOIN windows w CROSS JOIN "popularity_state" s
        WHERE v."viewed_at" >= s."as_of" - w."length" GROUP BY 1, 2
      )
      SELECT * FROM expected e FULL JOIN "popularity_window" p USING ("window", "article_id")
      WHERE e."views" IS DISTINCT FROM p."views"`);
  }

  async function expectSameAsRaw(): Promise<void> {
    for (const window of ['LAST_24_HOURS', 'LAST_7_DAYS', 'LAST_30_DAYS']) {
      for (const variables of [{ first: 50 }, { first: 2 }, { section: 'world', first: 50 }, { section: 'world', first: 1 }]) {
        expect(await popular({ window, ...variables })).toEqual(await popular({ window, ...variables }, raw));
      }
    }
  }

  const refresh = (at: number) => t.app.services.popularity.refreshWindowTotals(new Date(at));

  it('are built, kept current by the recorder and slid on, and give the raw events\' answer', async () => {
    const world = await f.makeSection({ slug: 'world' });
    const articles = [await f.makeArticle(), await f.makeArticle({ section: world }), await f.makeArticle(), await f.makeArticle({ section: world }), await f.makeArticle()];
    const now = Date.now();
    await spreadViews(articles, 300, 35, 11, now);
    // Built two hours ago: too old to be used now (the tiers answer), still exact for its own as_of.
    expect(await refresh(now - 2 * HOUR - 10 * 60_000)).toBe('rebuilt');
    expect(await refresh(now - 2 * HOUR - 10 * 60_000)).toBe('current');
    expect(await totalsMismatches()).toEqual([]);
    await expectSameAsRaw();
    // Views recorded since, many of them dated before as_of.
    await spreadViews(articles, 150, 1.2, 12, now);
    await spreadViews(articles, 60, 31, 13, now);
    expect(await totalsMismatches()).toEqual([]);
    // Slid on to three minutes ago: the lists now come from the totals, less the views that expired since.
    expect(await refresh(now - 3 * 60_000)).toBe('slid');
    expect(await totalsMismatches()).toEqual([]);
    // Views that are in the totals but have left each window by the time it is read (and some just inside it).
    for (const [i, length] of [DAY, 7 * DAY, 30 * DAY].entries()) {
      for (const [j, article] of articles.entries()) {
        await views(t, article.id, j + 1, new Date(now - length - 60_000 - i * 1_000));
        await views(t, article.id, 5 - j, new Date(now - length + 60_000));
      }
    }
    expect(await totalsMismatches()).toEqual([]);
    await expectSameAsRaw();
    // And they are read from the totals (the tiers would not see this).
    const [first] = await popular({ window: 'LAST_30_DAYS', first: 1 });
    const last = articles.find((article) => article.id !== first[1])!;
    await t.app.dataSource.query(`UPDATE "popularity_window" SET "views" = "views" + 1000 WHERE "window" = 'LAST_30_DAYS' AND "article_id" = $1`, [last.id]);
    expect((await popular({ window: 'LAST_30_DAYS', first: 1 }))[0][1]).toBe(last.id);
  });

  // The embedded database has no connections of the popular list's own (it takes no prepared statements).
  (process.env.MASTHEAD_TEST_DATABASE_KIND === 'embedded' ? it.skip : it)('keep answering after the database ends the connections they are read on', async () => {
    const article = await f.makeArticle();
    await views(t, article.id, 2, new Date(Date.now() - HOUR));
    expect(await refresh(Date.now())).toBe('rebuilt');
    expect(await popular({})).toEqual([[1, article.id, 2]]);
    // The popular list's statement runs on connections of its own (forced generic plans): end them from the server.
    const ended: unknown[] = await t.app.dataSource.query(
      `SELECT pg_terminate_backend("pid") FROM pg_stat_activity
       WHERE "datname" = current_database() AND "pid" <> pg_backend_pid() AND "query" LIKE 'WITH totals_state%'`,
    );
    expect(ended.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await popular({})).toEqual([[1, article.id, 2]]);
  });

  it('are rebuilt rather than slid when more than half a day behind', async () => {
    const [article] = [await f.makeArticle()];
    const now = Date.now();
    await spreadViews([article], 50, 3, 31, now);
    expect(await refresh(now - 20 * HOUR)).toBe('rebuilt');
    expect(await refresh(now)).toBe('rebuilt');
    expect(await totalsMismatches()).toEqual([]);
    expect(await refresh(now + 60_000)).toBe('slid');
    expect(await totalsMismatches()).toEqual([]);
  });

  /** Waits until `count` sessions of the test database are waiting for a lock (or `cancel.done` is set). */
  async function lockWaiters(count: number, cancel = { done: false }): Promise<void> {
    for (let attempt = 0; attempt < 100 && !cancel.done; attempt++) {
      const [{ waiting }] = await t.app.dataSource.query(
        `SELECT count(*)::int AS "waiting" FROM pg_stat_activity WHERE "datname" = current_database() AND "wait_event_type" = 'Lock'`,
      );
      if (waiting >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!cancel.done) throw new Error(`expected ${count} sessions waiting for a lock`);
  }

  // The embedded database runs one session at a time: a lock held by one test session would stop everything.
  (process.env.MASTHEAD_TEST_DATABASE_KIND === 'embedded' ? it.skip : it)(
    'count a view exactly once when its recording statement began before a slide and commits after it',
    async () => {
      const article = await f.makeArticle();
      const now = Date.now();
      expect(await refresh(now - 3 * HOUR)).toBe('rebuilt');
      // Views from inside what the coming slide removes from the 24-hour window ([now - 27 h, now - 24 h)), all in one
      // hour, whose rollup row another session holds: the recording statement starts, then waits for that row.
      const at = Math.floor((now - 25 * HOUR) / HOUR) * HOUR + 10 * 60_000;
      await views(t, article.id, 1, new Date(at));
      const holder = t.app.dataSource.createQueryRunner();
      await holder.connect();
      try {
        await holder.startTransaction('READ COMMITTED');
        await holder.query(`SELECT 1 FROM "article_view_hourly" WHERE "article_id" = $1 AND "hour" = $2 FOR UPDATE`, [article.id, new Date(Math.floor(at / HOUR) * HOUR)]);
        const queued = Array.from({ length: 20 }, (_, i) => viewAt(t, article.id, `queued-${i}`, new Date(at + i * 1_000)));
        await lockWaiters(1);
        // The slide runs meanwhile (or waits for the recording statement, if that took the state row's lock first).
        const slid = refresh(now);
        // Whichever comes first: the slide done, or the slide waiting too.
        const cancel = { done: false };
        await Promise.race([slid, lockWaiters(2, cancel)]);
        cancel.done = true;
        await holder.commitTransaction();
        expect(await Promise.all(queued)).toEqual(Array(20).fill('COUNTED'));
        expect(await slid).toBe('slid');
      } finally {
        await holder.release();
      }
      // Had the recording used the as_of it could see when it began, its views would still be in the 24-hour window.
      expect(await totalsMismatches()).toEqual([]);
      expect(await popular({ window: 'LAST_24_HOURS' })).toEqual(await popular({ window: 'LAST_24_HOURS' }, raw));
    },
  );

  it('lose no view recorded while they slide', async () => {
    const world = await f.makeSection({ slug: 'world' });
    const articles = [await f.makeArticle({ section: world }), await f.makeArticle(), await f.makeArticle({ section: world })];
    const now = Date.now();
    await spreadViews(articles, 100, 8, 21, now);
    await refresh(now - 3 * HOUR);
    const views = Array.from({ length: 300 }, (_, i) => viewAt(t, articles[i % 3].id, `late-${i}`, new Date(now - ((i * 37) % 240) * 60_000)));
    const slid = refresh(now);
    await Promise.all([...views, slid]);
    expect(await slid).toBe('slid');
    expect(await totalsMismatches()).toEqual([]);
    await expectSameAsRaw();
  });
});

describe('trendingArticles', () => {
  it('puts recent interest above older, bigger interest, and shows the numbers behind each place', async () => {
    const [fresh, old] = [await f.makeArticle(), await f.makeArticle()];
    const now = Date.now();
    await views(t, fresh.id, 3, new Date(now - 1 * HOUR));
    await views(t, old.id, 10, new Date(now - 5 * DAY));
    await f.makeComment(fresh, { createdAt: new Date(now - 2 * HOUR) });
    await f.makeComment(fresh, { createdAt: new Date(now - 2 * HOUR), status: CommentStatus.PENDING });
    const response = await t.gql(TRENDING, { first: 5 });
    const [first, second] = response.body.data?.trendingArticles ?? [];
    expect(first).toMatchObject({ rank: 1, article: { id: fresh.id }, popularity: { views24h: 3, views7d: 3, comments: 1 } });
    expect(second).toMatchObject({ rank: 2, article: { id: old.id }, popularity: { views24h: 0, views7d: 10, comments: 0 } });
    // Each hour's weight over (hours from the middle of its hour to now + 2) ^ 1.5: 3 views, and a comment worth 10.
    const decayed = (weight: number, at: number) => weight / Math.pow(Math.max((now - Math.floor(at / HOUR) * HOUR) / HOUR - 0.5, 0) + 2, 1.5);
    expect(first.popularity.score).toBeCloseTo(decayed(3, now - HOUR) + decayed(10, now - 2 * HOUR), 1);
    expect(second.popularity.score).toBeLessThan(first.popularity.score);
  });

  it('follows TRENDING_GRAVITY: with none, the most views in the week win', async () => {
    const flat = await startTestApp({ TRENDING_GRAVITY: '0' });
    try {
      const [fresh, old] = [await f.makeArticle(), await f.makeArticle()];
      const now = Date.now();
      await views(t, fresh.id, 3, new Date(now - HOUR));
      await views(t, old.id, 10, new Date(now - 5 * DAY));
      const ranked = (await flat.gql(TRENDING, { first: 5 })).body.data?.trendingArticles.map((item: any) => [item.article.id, item.popularity.score]);
      expect(ranked).toEqual([
        [old.id, 10],
        [fresh.id, 3],
      ]);
    } finally {
      await flat.close();
    }
  });

  it('leaves out articles that are not public and refuses a page size outside 1..50', async () => {
    const hidden = await f.makeArticle();
    await views(t, hidden.id, 2, new Date(Date.now() - HOUR));
    await t.app.dataSource.query(`UPDATE "article" SET "status" = $2 WHERE "id" = $1`, [hidden.id, ArticleStatus.ARCHIVED]);
    expect((await t.gql(TRENDING, {})).body.data?.trendingArticles).toEqual([]);
    expect(errorCodes(await t.gql(TRENDING, { first: 51 }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('Article.viewCount', () => {
  it('is read for a whole list in one statement', async () => {
    const list = [await f.makeArticle(), await f.makeArticle(), await f.makeArticle()];
    await views(t, list[0].id, 2, new Date(Date.now() - HOUR));
    await views(t, list[2].id, 1, new Date(Date.now() - HOUR));
    const before = t.app.sqlStatements.total;
    const response = await t.gql(`{ articles(first: 10) { edges { node { id viewCount } } } }`);
    expect(t.app.sqlStatements.total - before).toBe(2);
    const counts = Object.fromEntries(response.body.data?.articles.edges.map((edge: any) => [edge.node.id, edge.node.viewCount]));
    expect(counts).toEqual({ [list[0].id]: 2, [list[1].id]: 0, [list[2].id]: 1 });
  });
});
