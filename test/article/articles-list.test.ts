import { ArticleStatus } from '../../src/article/article.entity';
import { encodeCursor } from '../../src/shared/pagination';
import { errorCodes, useTestApp } from '../setup/harness';

const { t, f } = useTestApp();

const ARTICLES = `query ($first: Int, $after: String, $filter: ArticleFilter, $orderBy: ArticleOrder) {
  articles(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    edges { cursor node { slug } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

async function slugsOf(variables: Record<string, unknown>): Promise<string[]> {
  const response = await t.gql(ARTICLES, variables);
  expect(response.body.errors).toBeUndefined();
  return response.body.data?.articles.edges.map((edge: { node: { slug: string } }) => edge.node.slug);
}

describe('articles', () => {
  it('lists public articles newest first, with totalCount, hiding drafts and future schedules', async () => {
    await f.makeArticle({ slug: 'old', publishedAt: hoursAgo(30) });
    await f.makeArticle({ slug: 'new', publishedAt: hoursAgo(1) });
    await f.makeArticle({ slug: 'due', status: ArticleStatus.SCHEDULED, publishedAt: hoursAgo(2) });
    await f.makeArticle({ slug: 'draft', status: ArticleStatus.DRAFT });
    await f.makeArticle({ slug: 'later', status: ArticleStatus.SCHEDULED, publishedAt: hoursAgo(-5) });
    await f.makeArticle({ slug: 'archived', status: ArticleStatus.ARCHIVED, publishedAt: hoursAgo(3) });
    const response = await t.gql(ARTICLES, {});
    expect(response.body.data?.articles.totalCount).toBe(3);
    expect(await slugsOf({})).toEqual(['new', 'due', 'old']);
    expect(await slugsOf({ orderBy: 'PUBLISHED_AT_ASC' })).toEqual(['old', 'due', 'new']);
  });

  it('pages through articles that share a publication time without repeating or skipping any', async () => {
    const sameMoment = hoursAgo(5);
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await f.makeArticle({ publishedAt: sameMoment }));
    await f.makeArticle({ slug: 'newest', publishedAt: hoursAgo(1) });
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const response: any = await t.gql(ARTICLES, { first: 3, after });
      const connection: any = response.body.data?.articles;
      seen.push(...connection.edges.map((edge: { node: { slug: string } }) => edge.node.slug));
      expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(seen[0]).toBe('newest');
    expect(new Set(seen).size).toBe(8);
    expect(seen.slice(1).sort()).toEqual(created.map((article) => article.slug).sort());
  });

  it('keeps a page stable when a newer article is published after the first page was read', async () => {
    for (let i = 0; i < 4; i++) await f.makeArticle({ slug: `a${i}`, publishedAt: hoursAgo(10 - i) });
    const first = (await t.gql(ARTICLES, { first: 2 })).body.data?.articles;
    await f.makeArticle({ slug: 'breaking', publishedAt: hoursAgo(0.01) });
    expect(await slugsOf({ first: 2, after: first.pageInfo.endCursor })).toEqual(['a1', 'a0']);
  });

  it('filters by section, tag, author and publication window', async () => {
    const politics = await f.makeSection({ slug: 'politics' });
    const summit = await f.makeTag({ slug: 'summit' });
    const mara = await f.makeAuthor({ slug: 'mara' });
    await f.makeArticle({ slug: 'p1', section: politics, publishedAt: hoursAgo(48) });
    await f.makeArticle({ slug: 'p2', section: politics, tags: [summit], author: mara, publishedAt: hoursAgo(2) });
    await f.makeArticle({ slug: 't1', tags: [summit], publishedAt: hoursAgo(3) });
    await f.makeArticle({ slug: 'm1', author: mara, publishedAt: hoursAgo(4) });
    await f.makeArticle({ slug: 'hidden', section: politics, tags: [summit], author: mara, status: ArticleStatus.DRAFT });

    expect(await slugsOf({ filter: { section: 'politics' } })).toEqual(['p2', 'p1']);
    expect(await slugsOf({ filter: { tag: 'summit' } })).toEqual(['p2', 't1']);
    expect(await slugsOf({ filter: { author: 'mara' } })).toEqual(['p2', 'm1']);
    expect(await slugsOf({ filter: { section: 'politics', tag: 'summit' } })).toEqual(['p2']);
    expect(await slugsOf({ filter: { publishedAfter: hoursAgo(3.5).toISOString() } })).toEqual(['p2', 't1']);
    expect(await slugsOf({ filter: { publishedBefore: hoursAgo(3.5).toISOString() } })).toEqual(['m1', 'p1']);
    expect(await slugsOf({ filter: { section: 'no-such-section' } })).toEqual([]);
    const counted = await t.gql(ARTICLES, { filter: { section: 'politics' } });
    expect(counted.body.data?.articles.totalCount).toBe(2);
  });

  it('gives each listed article its full body on request, in one extra statement for the whole page', async () => {
    for (let i = 0; i < 3; i++) await f.makeArticle({ body: `<p>Full story ${i}.</p>`, publishedAt: hoursAgo(i + 1) });
    const query = `{ articles(first: 3) { edges { node { body text: body(format: TEXT) } } } }`;
    const before = t.app.sqlStatements.total;
    const response = await t.gql(query);
    expect(t.app.sqlStatements.total - before).toBe(2);
    expect(response.body.data?.articles.edges.map((edge: any) => edge.node)).toEqual([
      { body: '<p>Full story 0.</p>', text: 'Full story 0.' },
      { body: '<p>Full story 1.</p>', text: 'Full story 1.' },
      { body: '<p>Full story 2.</p>', text: 'Full story 2.' },
    ]);
  });

  it.each([0, -1, 101, 5000])('rejects first = %p with BAD_USER_INPUT instead of clamping', async (first) => {
    await f.makeArticle();
    const response = await t.gql(ARTICLES, { first });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0].message).toMatch(/first must be (at least 1|at most 100)/);
    expect(response.body.data).toBeNull();
  });

  it('accepts first = 1 and first = 100', async () => {
    await f.makeArticle();
    expect(await slugsOf({ first: 1 })).toHaveLength(1);
    expect(await slugsOf({ first: 100 })).toHaveLength(1);
  });

  it('rejects a first that is not an Int as BAD_USER_INPUT with HTTP 400', async () => {
    const response = await t.gql(ARTICLES, { first: 'ten' });
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['a cursor of another list', encodeCursor('comments', [new Date().toISOString(), '00000000-0000-4000-8000-000000000000'])],
    ['a cursor of the other ordering', encodeCursor('articles:oldest', [new Date().toISOString(), '00000000-0000-4000-8000-000000000000'])],
    ['a cursor with a bad date', encodeCursor('articles:newest', ['yesterday-ish', '00000000-0000-4000-8000-000000000000'])],
    ['a cursor with an injected id', encodeCursor('articles:newest', [new Date().toISOString(), "x' OR 1=1 --"])],
    ['an over-long cursor', 'a'.repeat(10_000)],
    ['a cursor whose id is 36 dashes', encodeCursor('articles:newest', [new Date().toISOString(), '-'.repeat(36)])],
    ['a cursor with a date PostgreSQL cannot hold', encodeCursor('articles:newest', ['-271821-04-20T00:00:00.000Z', '00000000-0000-4000-8000-000000000000'])],
    ['a cursor with a date far in the future', encodeCursor('articles:newest', ['+275760-09-13T00:00:00.000Z', '00000000-0000-4000-8000-000000000000'])],
  ])('rejects %s as after with BAD_USER_INPUT', async (_name, after) => {
    await f.makeArticle();
    const response = await t.gql(ARTICLES, { after });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(response.body)).not.toMatch(/SELECT|postgres|at .*\.ts/);
  });

  it('rejects an invalid date in the filter with BAD_USER_INPUT', async () => {
    const response = await t.gql(ARTICLES, { filter: { publishedAfter: 'last tuesday' } });
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});
