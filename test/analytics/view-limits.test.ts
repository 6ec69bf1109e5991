import { randomInt } from 'node:crypto';
import { errorCodes, startTestApp, useTestApp, type TestApp } from '../setup/harness';
import { BROWSER } from '../setup/views';

const RECORD = `mutation ($input: ArticleViewInput!) { recordArticleView(input: $input) { outcome counted } }`;
const RECORD_MANY = `mutation ($views: [ArticleViewInput!]!) { recordArticleViews(views: $views) { received counted outcomes } }`;
const VIEW_COUNT = `query ($id: ID) { article(id: $id) { viewCount } }`;

const PER_ARTICLE = 5;
const env = { TRUST_PROXY: 'true', VIEWS_PER_CLIENT_ARTICLE: String(PER_ARTICLE), VIEWS_PER_CLIENT_MINUTE: '100000' };
const { t, f } = useTestApp(env);

function view(app: TestApp, articleId: string, visitorId: string, ip: string) {
  return app.gql(RECORD, { input: { articleId, visitorId } }, { ...BROWSER, 'x-forwarded-for': ip });
}

async function outcomeOf(app: TestApp, articleId: string, visitorId: string, ip: string): Promise<string> {
  const response = await view(app, articleId, visitorId, ip);
  return response.body.data?.recordArticleView?.outcome ?? errorCodes(response).join();
}

async function viewCount(id: string): Promise<number> {
  return (await t.gql(VIEW_COUNT, { id })).body.data?.article.viewCount;
}

async function storedViews(): Promise<number> {
  const [{ count }] = await t.app.dataSource.query(`SELECT count(*)::int AS "count" FROM "article_view"`);
  return count;
}

describe('views one client address can add to one article', () => {
  it('counts at most VIEWS_PER_CLIENT_ARTICLE per dedupe window from one address, whatever visitorId it sends', async () => {
    const article = await f.makeArticle();
    const outcomes: string[] = [];
    for (let i = 0; i < 30; i++) outcomes.push(await outcomeOf(t, article.id, `rotated-${i}`, '10.51.0.1'));
    expect(outcomes).toEqual([...Array(PER_ARTICLE).fill('COUNTED'), ...Array(30 - PER_ARTICLE).fill('REPEAT')]);
    expect(await viewCount(article.id)).toBe(PER_ARTICLE);
    // Other addresses, and other articles from the same address, are counted as before.
    expect(await outcomeOf(t, article.id, 'someone-else', '10.51.0.2')).toBe('COUNTED');
    expect(await outcomeOf(t, (await f.makeArticle()).id, 'rotated-0', '10.51.0.1')).toBe('COUNTED');
    expect(await storedViews()).toBe(PER_ARTICLE + 2);
  });

  it('holds for a batch of views, and for views sent without a visitorId', async () => {
    const article = await f.makeArticle();
    const views = Array.from({ length: 50 }, (_, i) => ({ articleId: article.id, visitorId: `batch-${i}` }));
    const batch = await t.gql(RECORD_MANY, { views }, { ...BROWSER, 'x-forwarded-for': '10.52.0.1' });
    expect(batch.body.data?.recordArticleViews).toMatchObject({ received: 50, counted: PER_ARTICLE });
    // Without a visitorId each user agent is a visitor: changing the user agent does not get round the bound either.
    const other = await f.makeArticle();
    const agents = Array.from({ length: 10 }, (_, i) => `${BROWSER['user-agent']} Build/${i}`);
    const answers = await Promise.all(
      agents.map((agent) => t.gql(RECORD, { input: { articleId: other.id } }, { 'user-agent': agent, 'x-forwarded-for': '10.52.0.2' })),
    );
    expect(answers.filter((answer) => answer.body.data?.recordArticleView.counted)).toHaveLength(PER_ARTICLE);
    expect(await viewCount(other.id)).toBe(PER_ARTICLE);
  });

  it('does not let one reader reloading a page use up the allowance of the others behind the same address', async () => {
    const article = await f.makeArticle();
    for (let i = 0; i < 10; i++) await outcomeOf(t, article.id, 'reloader', '10.53.0.1');
    const others = [];
    for (const reader of ['a', 'b', 'c', 'd', 'e']) others.push(await outcomeOf(t, article.id, reader, '10.53.0.1'));
    expect(others).toEqual(['COUNTED', 'COUNTED', 'COUNTED', 'COUNTED', 'REPEAT']);
    expect(await viewCount(article.id)).toBe(PER_ARTICLE);
  });

  it('counts the address again once its window has passed', async () => {
    const article = await f.makeArticle();
    for (let i = 0; i < PER_ARTICLE + 1; i++) await outcomeOf(t, article.id, `early-${i}`, '10.54.0.1');
    await t.app.dataSource.query(`UPDATE "article_client" SET "window_started_at" = "window_started_at" - interval '30 minutes'`);
    expect(await outcomeOf(t, article.id, 'later', '10.54.0.1')).toBe('COUNTED');
    expect(await viewCount(article.id)).toBe(PER_ARTICLE + 1);
  });

  it('holds across two instances receiving views from one address at once', async () => {
    const article = await f.makeArticle();
    const second = await startTestApp(env);
    try {
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) => view(i % 2 ? second : t, article.id, `both-${i}`, '10.55.0.1')),
      );
      expect(responses.flatMap(errorCodes)).toEqual([]);
      expect(responses.filter((response) => response.body.data?.recordArticleView.counted)).toHaveLength(PER_ARTICLE);
      expect(await viewCount(article.id)).toBe(PER_ARTICLE);
    } finally {
      await second.close();
    }
  });
});

/** Two instances with one limit; `ip` is a fresh address for each run (Redis keeps counters between runs). */
async function expectSharedMinuteLimit(first: TestApp, second: TestApp, ip: string): Promise<void> {
  const article = await f.makeArticle();
  const other = await f.makeArticle();
  // Six views a minute in total, from two instances, whatever visitorIds and articles they name.
  for (let i = 0; i < 3; i++) expect(await outcomeOf(first, article.id, `first-${i}`, ip)).toBe('COUNTED');
  for (let i = 0; i < 3; i++) expect(await outcomeOf(second, other.id, `second-${i}`, ip)).toBe('COUNTED');
  for (const app of [first, second]) {
    const refused = await view(app, article.id, `more-${randomInt(1e9)}`, ip);
    expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
    expect(refused.body.errors?.[0].message).toMatch(/^Too many views reported from this address\. Try again in \d+ seconds\.$/);
    expect(refused.body.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.body.errors?.[0].extensions?.retryAfterSeconds).toBeLessThanOrEqual(60);
  }
  expect(await storedViews()).toBe(6);
  // Another address has its own allowance.
  expect(await outcomeOf(second, article.id, 'neighbour', `${ip.split('.').slice(0, 3).join('.')}.250`)).toBe('COUNTED');
}

describe('VIEWS_PER_CLIENT_MINUTE', () => {
  const limitedEnv = { ...env, VIEWS_PER_CLIENT_MINUTE: '6', VIEWS_PER_CLIENT_ARTICLE: '100' };

  it('is shared by instances through PostgreSQL', async () => {
    const [first, second] = [await startTestApp(limitedEnv), await startTestApp(limitedEnv)];
    try {
      await expectSharedMinuteLimit(first, second, '10.56.0.1');
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('holds exactly for concurrent reports to two instances, other addresses unaffected', async () => {
    const env20 = { ...limitedEnv, VIEWS_PER_CLIENT_MINUTE: '20' };
    const [first, second] = [await startTestApp(env20), await startTestApp(env20)];
    try {
      const article = await f.makeArticle();
      const responses = await Promise.all(
        Array.from({ length: 60 }, (_, i) => view(i % 2 ? second : first, article.id, `rush-${i}`, i % 3 ? '10.58.0.1' : `10.58.1.${i}`)),
      );
      const fromBusy = responses.filter((_, i) => i % 3);
      expect(fromBusy.filter((response) => response.body.data?.recordArticleView.counted)).toHaveLength(20);
      expect(fromBusy.flatMap(errorCodes)).toEqual(Array(20).fill('RATE_LIMITED'));
      expect(responses.filter((_, i) => !(i % 3)).flatMap(errorCodes)).toEqual([]);
      expect(await storedViews()).toBe(40);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('refuses a whole batch that does not fit, storing none of it', async () => {
    const limited = await startTestApp(limitedEnv);
    try {
      const article = await f.makeArticle();
      const batch = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({ articleId: article.id, visitorId: `v${from + i}` }));
      const headers = { ...BROWSER, 'x-forwarded-for': '10.57.0.1' };
      expect((await limited.gql(RECORD_MANY, { views: batch(4, 0) }, headers)).body.data?.recordArticleViews.counted).toBe(4);
      expect(errorCodes(await limited.gql(RECORD_MANY, { views: batch(3, 4) }, headers))).toEqual(['RATE_LIMITED']);
      expect(await storedViews()).toBe(4);
    } finally {
      await limited.close();
    }
  });

  const redisUrl = process.env.TEST_REDIS_URL;
  (redisUrl ? it : it.skip)('is shared by instances through Redis when REDIS_URL is set, and keeps nothing in PostgreSQL', async () => {
    const withRedis = { ...limitedEnv, REDIS_URL: redisUrl ?? '' };
    const [first, second] = [await startTestApp(withRedis), await startTestApp(withRedis)];
    try {
      await expectSharedMinuteLimit(first, second, `10.${randomInt(256)}.${randomInt(256)}.${randomInt(250)}`);
      expect(await t.app.dataSource.query(`SELECT * FROM "rate_limit"`)).toEqual([]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
