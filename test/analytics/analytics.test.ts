import { Role } from '../../src/auth/role';
import { CommentStatus } from '../../src/comment/comment.entity';
import { NewsletterStatus } from '../../src/newsletter/newsletter.entity';
import { errorCodes, everyNode, useTestApp } from '../setup/harness';
import { viewAt } from '../setup/views';

const { t, f } = useTestApp();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function analyst(): Promise<Record<string, string>> {
  return (await t.staff(Role.ANALYST)).headers;
}

async function signUp(sourceArticleId: string, n: number, confirmed: boolean): Promise<void> {
  await t.app.dataSource.query(
    `INSERT INTO "newsletter_subscription" ("email", "status", "unsubscribe_token_hash", "source_article_id", "confirmed_at")
     VALUES ($1, $2, $3, $4, $5)`,
    [`reader${n}@example.com`, confirmed ? NewsletterStatus.CONFIRMED : NewsletterStatus.PENDING, String(n).padStart(64, '0'), sourceArticleId, confirmed ? new Date() : null],
  );
}

describe('articleStats', () => {
  it("gives an article's views, unique visitors, comments by status and attributed sign-ups", async () => {
    const article = await f.makeArticle();
    const now = Date.now();
    await viewAt(t, article.id, 'a', new Date(now - 3 * HOUR));
    await viewAt(t, article.id, 'a', new Date(now - 2 * HOUR));
    await viewAt(t, article.id, 'b', new Date(now - HOUR));
    await f.makeComment(article);
    await f.makeComment(article, { status: CommentStatus.PENDING });
    await f.makeComment(article, { status: CommentStatus.SPAM });
    await signUp(article.id, 1, true);
    await signUp(article.id, 2, false);
    const response = await t.gql(
      `query ($id: ID!) { articleStats(id: $id) { article { title } views uniqueVisitors comments { approved pending spam trash total } newsletterSignups confirmedNewsletterSignups } }`,
      { id: article.id },
      await analyst(),
    );
    expect(response.body.data?.articleStats).toEqual({
      article: { title: article.title },
      views: 3,
      uniqueVisitors: 2,
      comments: { approved: 1, pending: 1, spam: 1, trash: 0, total: 3 },
      newsletterSignups: 2,
      confirmedNewsletterSignups: 1,
    });
    expect(errorCodes(await t.gql(`{ articleStats(id: "00000000-0000-4000-8000-000000000009") { views } }`, {}, await analyst()))).toEqual(['NOT_FOUND']);
  });
});

describe('viewSeries', () => {
  const SERIES = `query ($filter: ViewSeriesFilter, $from: DateTimeISO!, $to: DateTimeISO!, $bucket: SeriesBucket) {
    viewSeries(filter: $filter, from: $from, to: $to, bucket: $bucket) { bucket totalViews points { start views } }
  }`;

  it('fills empty buckets with zero and cuts days at UTC midnight', async () => {
    const article = await f.makeArticle();
    // Monday 2 November 2026 (UTC): one view a millisecond before midnight, two right at it.
    const midnight = Date.parse('2026-11-03T00:00:00Z');
    await viewAt(t, article.id, 'a', new Date(midnight - 1));
    await viewAt(t, article.id, 'b', new Date(midnight));
    await viewAt(t, article.id, 'c', new Date(midnight + 59 * 60_000));
    const days = await t.gql(SERIES, { from: '2026-11-01T12:00:00Z', to: '2026-11-05T00:00:00Z', bucket: 'DAY' }, await analyst());
    expect(days.body.data?.viewSeries).toEqual({
      bucket: 'DAY',
      totalViews: 3,
      points: [
        { start: '2026-11-01T00:00:00.000Z', views: 0 },
        { start: '2026-11-02T00:00:00.000Z', views: 1 },
        { start: '2026-11-03T00:00:00.000Z', views: 2 },
        { start: '2026-11-04T00:00:00.000Z', views: 0 },
      ],
    });
    const hours = await t.gql(SERIES, { from: '2026-11-02T23:00:00Z', to: '2026-11-03T02:00:00Z', bucket: 'HOUR', filter: { articleId: article.id } }, await analyst());
    expect(hours.body.data?.viewSeries.points).toEqual([
      { start: '2026-11-02T23:00:00.000Z', views: 1 },
      { start: '2026-11-03T00:00:00.000Z', views: 2 },
      { start: '2026-11-03T01:00:00.000Z', views: 0 },
    ]);
    // Weeks start on Monday: Sunday 1 November belongs to the week of 26 October.
    const weeks = await t.gql(SERIES, { from: '2026-11-01T00:00:00Z', to: '2026-11-10T00:00:00Z', bucket: 'WEEK' }, await analyst());
    expect(weeks.body.data?.viewSeries.points).toEqual([
      { start: '2026-10-26T00:00:00.000Z', views: 0 },
      { start: '2026-11-02T00:00:00.000Z', views: 3 },
      { start: '2026-11-09T00:00:00.000Z', views: 0 },
    ]);
  });

  it('filters by article, section and author', async () => {
    const section = await f.makeSection({ slug: 'sport' });
    const author = await f.makeAuthor({ slug: 'ada' });
    const [a, b] = [await f.makeArticle({ section, author }), await f.makeArticle({ section })];
    const at = new Date(Date.now() - 2 * DAY);
    await viewAt(t, a.id, 'x', at);
    await viewAt(t, b.id, 'x', at);
    await viewAt(t, b.id, 'y', at);
    const total = async (filter: Record<string, string>) =>
      (await t.gql(SERIES, { filter, from: new Date(Date.now() - 7 * DAY).toISOString(), to: new Date().toISOString() }, await analyst())).body.data?.viewSeries.totalViews;
    expect(await total({})).toBe(3);
    expect(await total({ section: 'sport' })).toBe(3);
    expect(await total({ author: 'ada' })).toBe(1);
    expect(await total({ section: 'sport', articleId: b.id })).toBe(2);
    for (const filter of [{ section: 'nope' }, { author: 'nope' }, { articleId: '00000000-0000-4000-8000-000000000009' }]) {
      expect(errorCodes(await t.gql(SERIES, { filter, from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }, await analyst()))).toEqual(['NOT_FOUND']);
    }
  });

  it('refuses ranges that are empty, longer than 366 days or more than 2,000 points', async () => {
    const headers = await analyst();
    for (const range of [
      { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z', bucket: 'DAY' },
      { from: '2026-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', bucket: 'DAY' },
      { from: '2025-01-01T00:00:00Z', to: '2026-01-03T00:00:00Z', bucket: 'WEEK' },
      { from: '2026-01-01T00:00:00Z', to: '2026-03-31T00:00:00Z', bucket: 'HOUR' },
    ]) {
      expect(errorCodes(await t.gql(SERIES, range, headers))).toEqual(['BAD_USER_INPUT']);
    }
    // 366 days of days and 2,000 hours are fine.
    expect((await t.gql(SERIES, { from: '2025-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', bucket: 'DAY' }, headers)).body.data?.viewSeries.points).toHaveLength(366);
    const hours = await t.gql(SERIES, { from: '2026-01-01T00:00:00Z', to: new Date(Date.parse('2026-01-01T00:00:00Z') + 2_000 * HOUR).toISOString(), bucket: 'HOUR' }, headers);
    expect(hours.body.data?.viewSeries.points).toHaveLength(2_000);
  });
});

describe('commentActivity', () => {
  it('counts comments posted per bucket by their status now, zero-filled', async () => {
    const article = await f.makeArticle();
    await f.makeComment(article, { createdAt: new Date('2026-11-02T10:00:00Z') });
    await f.makeComment(article, { createdAt: new Date('2026-11-02T23:59:59.999Z'), status: CommentStatus.SPAM });
    await f.makeComment(article, { createdAt: new Date('2026-11-04T00:00:00Z'), status: CommentStatus.PENDING });
    const response = await t.gql(
      `{ commentActivity(from: "2026-11-02T00:00:00Z", to: "2026-11-05T00:00:00Z", bucket: DAY) { totalPosted points { start posted approved pending spam trash } } }`,
      {},
      await analyst(),
    );
    expect(response.body.data?.commentActivity).toEqual({
      totalPosted: 3,
      points: [
        { start: '2026-11-02T00:00:00.000Z', posted: 2, approved: 1, pending: 0, spam: 1, trash: 0 },
        { start: '2026-11-03T00:00:00.000Z', posted: 0, approved: 0, pending: 0, spam: 0, trash: 0 },
        { start: '2026-11-04T00:00:00.000Z', posted: 1, approved: 0, pending: 1, spam: 0, trash: 0 },
      ],
    });
  });
});

describe('ranked lists for export', () => {
  it('page through every article, section and author by views, and every article by sign-ups', async () => {
    const sections = [await f.makeSection(), await f.makeSection(), await f.makeSection()];
    const authors = [await f.makeAuthor(), await f.makeAuthor()];
    const articles = [];
    for (let i = 0; i < 7; i++) articles.push(await f.makeArticle({ section: sections[i % 3], author: authors[i % 2] }));
    const at = new Date(Date.now() - HOUR);
    for (const [i, article] of articles.entries()) {
      for (let v = 0; v <= i; v++) await viewAt(t, article.id, `visitor-${v}`, at);
      for (let s = 0; s < i % 3; s++) await signUp(article.id, i * 10 + s, s === 0);
    }
    const headers = await analyst();
    async function all(field: string, node: string): Promise<{ items: any[]; totalCount: number }> {
      const query = `query ($after: String) { ${field}(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { ${node} } } } }`;
      const items = await everyNode(t, query, (data) => data[field], { headers, maxPages: 20 });
      const totalCount = (await t.gql(`{ ${field} { totalCount } }`, {}, headers)).body.data?.[field].totalCount;
      return { items, totalCount };
    }
    const byArticle = await all('articleViews', 'rank views article { id }');
    expect(byArticle.totalCount).toBe(7);
    expect(byArticle.items.map((item) => [item.rank, item.article.id, item.views])).toEqual(articles.map((article, i) => [7 - i, article.id, i + 1]).reverse());
    const bySection = await all('topSections', 'rank views section { id }');
    // Sections hold articles 0,3,6 (1+4+7 views), 1,4 (2+5) and 2,5 (3+6).
    expect(bySection.items.map((item) => [item.section.id, item.views])).toEqual([
      [sections[0].id, 12],
      [sections[2].id, 9],
      [sections[1].id, 7],
    ]);
    const byAuthor = await all('topAuthors', 'rank views author { id }');
    expect(byAuthor.items.map((item) => [item.author.id, item.views])).toEqual([
      [authors[0].id, 16],
      [authors[1].id, 12],
    ]);
    const signups = await all('signupsByArticle', 'rank signups confirmed article { id }');
    expect(signups.totalCount).toBe(4);
    expect(signups.items.map((item) => [item.signups, item.confirmed])).toEqual([
      [2, 1],
      [2, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(errorCodes(await t.gql(`{ topSections(after: "bm90LWEtY3Vyc29y") { totalCount } }`, {}, headers))).toEqual(['BAD_USER_INPUT']);
  });
});
