import { FRONT_PAGE_QUERY } from '../../bench/queries';
import { ArticleStatus } from '../../src/article/article.entity';
import { CommentStatus } from '../../src/comment/comment.entity';
import { factories } from '../setup/factories';
import { errorCodes, startTestApp, type GraphQLResponse, type TestApp } from '../setup/harness';

/**
 * Direct reads (src/shared/direct-reads.ts) answer the article list without the executor, its articles built by
 * PostgreSQL. They must answer byte for byte as the executor does: every query here goes to an app with them and to
 * one without (GRAPHQL_DIRECT_READS=false), on the same database, and the bodies are compared. Each query also states
 * whether the direct path answered it, so a query that silently fell back to the executor cannot pass for a proof.
 */
let direct: TestApp;
let executor: TestApp;

beforeAll(async () => {
  direct = await startTestApp({ GRAPHQL_DIRECT_READS: 'true' });
  executor = await startTestApp({ GRAPHQL_DIRECT_READS: 'false' });
  const f = factories(direct.app.dataSource);
  await direct.reset();
  const authors = [
    await f.makeAuthor({ bio: 'Covers "the Gulf" & energy.', avatarUrl: 'https://img.example.com/a1.jpg' }),
    await f.makeAuthor(),
    await f.makeAuthor({ name: 'Zoë Ødegaard' }),
  ];
  const sections = [await f.makeSection({ name: 'World' }), await f.makeSection({ name: 'Culture' })];
  const tags = [await f.makeTag({ name: 'Énergie' }), await f.makeTag({ name: 'climate' }), await f.makeTag({ name: 'Climate' }), await f.makeTag()];
  // Timestamps to the millisecond, ties on publishedAt (paging must break them by id), one slug that needs escaping.
  const base = Date.UTC(2026, 10, 20, 9, 30, 0, 0);
  for (let i = 0; i < 14; i++) {
    const article = await f.makeArticle({
      author: authors[i % 3],
      section: i % 4 === 0 ? null : sections[i % 2],
      tags: i % 5 === 0 ? [] : [tags[i % 4], tags[(i + 1) % 4]],
      publishedAt: new Date(base - Math.floor(i / 2) * 3_600_007),
      ...(i === 3 ? { slug: 'l’été-à-paris' } : {}),
      ...(i === 2 ? { title: 'Leaders’ first call: “a summit” <soon>' } : {}),
      ...(i === 1 ? { excerpt: null } : {}),
      body: `<p>${'word '.repeat(100 + i * 97)}</p>`,
      featuredImageUrl: i % 3 === 0 ? null : `https://img.example.com/${i}.jpg`,
      featuredImageAlt: i % 2 === 0 ? null : `Photo ${i}`,
      featuredImageCaption: i === 4 ? 'A caption' : null,
    });
    for (let c = 0; c < (i % 4) * 3; c++) {
      const status = c === 2 ? CommentStatus.PENDING : c === 4 ? CommentStatus.TRASH : CommentStatus.APPROVED;
      // Text JSON must escape (quotes, backslashes, control characters) and text it must not (non-ASCII, U+2028, emoji).
      const body = c === 3 ? 'Line one\nline "two"\tend \\ back\u0001slash\u001f \u2028 \u00e9t\u00e9 \u{1F389} </script>' : undefined;
      const comment = await f.makeComment(article, { status, createdAt: new Date(base + c * 60_001), authorUrl: c === 1 ? 'https://reader.example.com' : null, ...(body ? { body } : {}) });
      // Replies: approved, spam, and approved under a trashed parent (which the counts must leave out).
      if (c % 2 === 0) await f.makeComment(article, { parent: comment, createdAt: new Date(base + c * 60_001 + 5) });
      if (c === 0) await f.makeComment(article, { parent: comment, status: CommentStatus.SPAM });
    }
  }
  // Hidden from the public: a draft and a scheduled article not yet due.
  await f.makeArticle({ status: ArticleStatus.DRAFT });
  await f.makeArticle({ status: ArticleStatus.SCHEDULED, publishedAt: new Date(Date.now() + 86_400_000) });
});
afterAll(async () => {
  await direct?.close();
  await executor?.close();
});

/** Sends the query to both apps; expects the same body, byte for byte, and says whether the direct path answered it. */
async function compare(query: string, variables?: Record<string, unknown>): Promise<{ response: GraphQLResponse; answeredDirectly: boolean }> {
  const before = direct.app.directReads?.answered ?? 0;
  const send = async (app: TestApp) => {
    const response = await app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const [fromDirect, fromExecutor] = await Promise.all([send(direct), send(executor)]);
  // The direct path writes JSON text PostgreSQL built into the body as it is: the bytes themselves must match.
  expect(fromDirect.text).toBe(fromExecutor.text);
  expect(fromDirect.status).toBe(fromExecutor.status);
  const response = { status: fromDirect.status, headers: fromDirect.headers, body: JSON.parse(fromDirect.text) as GraphQLResponse['body'] };
  return { response, answeredDirectly: (direct.app.directReads?.answered ?? 0) > before };
}

interface Teaser {
  slug: string;
  url: string;
  featuredImage: unknown;
  section: { slug: string } | null;
  tags: { slug: string }[];
  author: { slug: string };
  comments: { pageInfo: { hasNextPage: boolean }; edges: { node: { replyCount: number } }[] };
}

const EVERY_ARTICLE_FIELD = `
  id slug title excerpt status version commentsOpen wordCount publishedAt updatedAt readingTimeMinutes url
  featuredImage { url alt caption }
  author { id slug name bio avatarUrl createdAt }
  section { id slug name }
  tags { id slug name }
  commentCount
  comments(first: 3) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage }
    edges { node { id authorName authorUrl body status depth createdAt editedAt replyCount } }
  }`;

describe('direct reads of the article list', () => {
  it('answer the front page as the executor does, at several sizes', async () => {
    for (const variables of [{ first: 20, comments: 5 }, { first: 3, comments: 1 }, { first: 50, comments: 12 }, {}]) {
      const { response, answeredDirectly } = await compare(FRONT_PAGE_QUERY, variables);
      expect(answeredDirectly).toBe(true);
      expect(response.body.errors).toBeUndefined();
    }
    // The query limits run before: a page too costly is refused the same way.
    const costly = await compare(FRONT_PAGE_QUERY, { first: 100, comments: 100 });
    expect(costly.answeredDirectly).toBe(false);
    expect(errorCodes(costly.response)).toEqual(['QUERY_TOO_COSTLY']);
    const { response } = await compare(FRONT_PAGE_QUERY, { first: 20, comments: 5 });
    expect(response.body.data?.articles.edges).toHaveLength(14);
  });

  it('answer every field they support, with the values the resolvers give', async () => {
    const { response, answeredDirectly } = await compare(`{ articles(first: 100) { totalCount edges { cursor node { ${EVERY_ARTICLE_FIELD} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`);
    expect(answeredDirectly).toBe(true);
    const nodes = response.body.data?.articles.edges.map((edge: { node: Teaser }) => edge.node) as Teaser[];
    // The cases the data set was made for are in the answer (so the comparison covers them).
    expect(nodes.find((node) => node.slug === 'l’été-à-paris')?.url).toContain(encodeURIComponent('l’été-à-paris'));
    expect(nodes.filter((node) => node.featuredImage === null).length).toBeGreaterThan(0);
    expect(nodes.filter((node) => node.section === null).length).toBeGreaterThan(0);
    expect(nodes.some((node) => node.comments.pageInfo.hasNextPage)).toBe(true);
    expect(nodes.some((node) => node.comments.edges.some((edge) => edge.node.replyCount > 0))).toBe(true);
  });

  it('answer a query asked again, with the same or other variables, as the first time (its plan is remembered)', async () => {
    const query = `query Again($withTags: Boolean!, $first: Int!, $comments: Int!) {
      articles(first: $first) { edges { node { slug tags @include(if: $withTags) { slug } comments(first: $comments) { edges { node { id body } } } } } }
    }`;
    const variableSets = [
      { withTags: true, first: 5, comments: 2 },
      { withTags: false, first: 5, comments: 2 },
      { withTags: true, first: 5, comments: 2 },
      { withTags: true, first: 7, comments: 3 },
      { withTags: false, first: 5, comments: 2 },
    ];
    const bodies: string[] = [];
    for (const variables of variableSets) {
      const { response, answeredDirectly } = await compare(query, variables);
      expect(answeredDirectly).toBe(true);
      bodies.push(JSON.stringify(response.body));
    }
    // The same variables give the same answer; other variables another one (tags left out, longer lists).
    expect(bodies[2]).toBe(bodies[0]);
    expect(bodies[4]).toBe(bodies[1]);
    expect(bodies[1]).not.toBe(bodies[0]);
    expect(bodies[3]).not.toBe(bodies[0]);
    // Variables too long to remember (here one the query does not declare) are answered all the same.
    const padded = await compare(query, { withTags: true, first: 5, comments: 2, padding: 'x'.repeat(3_000) });
    expect(padded.answeredDirectly).toBe(true);
    expect(JSON.stringify(padded.response.body)).toBe(bodies[0]);
    // A query the executor must answer stays the executor's when asked again.
    for (let i = 0; i < 2; i++) expect((await compare(query, { withTags: true, first: 5, comments: 101 })).answeredDirectly).toBe(false);
  });

  it('follow aliases, fragments, __typename and @include/@skip as the executor does', async () => {
    const query = `
      query Page($withTags: Boolean!, $skipAuthor: Boolean!) {
        __typename
        latest: articles(first: 4) {
          __typename
          items: edges { ...Edge }
          more: pageInfo { next: hasNextPage __typename }
        }
      }
      fragment Edge on ArticleEdge { __typename node { ...Teaser ... on Article { headline: title id } } }
      fragment Teaser on Article {
        __typename id
        by: author @skip(if: $skipAuthor) { __typename name }
        labels: tags @include(if: $withTags) { name __typename }
        talk: comments(first: 2) { __typename total: totalCount edges { __typename node { __typename id replies: replyCount } } }
        longer: comments(first: 5) { edges { node { body } } }
      }`;
    for (const variables of [{ withTags: true, skipAuthor: false }, { withTags: false, skipAuthor: true }]) {
      const { response, answeredDirectly } = await compare(query, variables);
      expect(answeredDirectly).toBe(true);
      expect(response.body.data?.latest.items).toHaveLength(4);
    }
  });

  it('answer response keys that are names of JavaScript object members', async () => {
    const { response, answeredDirectly } = await compare(`{
      constructor: articles(first: 2) {
        toString: edges { valueOf: node { constructor: slug hasOwnProperty: title isPrototypeOf: id author { toString: name } } }
        propertyIsEnumerable: pageInfo { constructor: hasNextPage }
      }
    }`);
    expect(answeredDirectly).toBe(true);
    // Read as plain keys: through TypeScript, .constructor would be Object's.
    const edges = Reflect.get(Reflect.get(response.body.data ?? {}, 'constructor'), 'toString') as Record<string, object>[];
    expect(Object.keys(edges[0].valueOf)).toEqual(['constructor', 'hasOwnProperty', 'isPrototypeOf', 'author']);
  });

  it('page, filter and order as the executor does', async () => {
    const first = await compare(`{ articles(first: 5) { pageInfo { endCursor hasNextPage } edges { node { slug } } } }`);
    const after = first.response.body.data?.articles.pageInfo.endCursor;
    const queries: [string, Record<string, unknown>?][] = [
      [`query($after: String) { articles(first: 5, after: $after) { pageInfo { endCursor hasNextPage hasPreviousPage } edges { cursor node { slug publishedAt } } } }`, { after }],
      [`{ articles(orderBy: PUBLISHED_AT_ASC, first: 6) { totalCount edges { node { slug } } } }`],
      [`query($f: ArticleFilter) { articles(filter: $f) { totalCount edges { node { slug section { slug } } } } }`, { f: { section: 'section-missing' } }],
      [`{ articles(filter: { publishedBefore: "2026-11-20T07:00:00.000Z", publishedAfter: "2026-11-19T00:00:00.000Z" }) { totalCount edges { node { slug } } } }`],
    ];
    for (const [query, variables] of queries) expect((await compare(query, variables)).answeredDirectly).toBe(true);
    // Filters by section, tag and author (slugs from the data).
    const { response } = await compare(`{ articles(first: 100) { edges { node { section { slug } tags { slug } author { slug } } } } }`);
    const sample = response.body.data?.articles.edges.map((edge: { node: Teaser }) => edge.node).find((node: Teaser) => node.section && node.tags.length) as Teaser;
    for (const filter of [{ section: sample.section?.slug }, { tag: sample.tags[0].slug }, { author: sample.author.slug }]) {
      const result = await compare(`query($f: ArticleFilter) { articles(filter: $f) { totalCount edges { node { slug commentCount } } } }`, { f: filter });
      expect(result.answeredDirectly).toBe(true);
      expect(result.response.body.data?.articles.totalCount).toBeGreaterThan(0);
    }
  });

  it('answer comment text as typed, and leave it as HTML (CommentResolver formats it) to the executor', async () => {
    const query = `query ($format: CommentFormat!) {
      articles(first: 20) { edges { node { comments(first: 5) { edges { node { body authorName text: body(format: TEXT) name: authorName(format: $format) } } } } } }
    }`;
    expect((await compare(query, { format: 'TEXT' })).answeredDirectly).toBe(true);
    const asHtml = await compare(query, { format: 'HTML' });
    expect(asHtml.answeredDirectly).toBe(false);
    expect(asHtml.response.body.errors).toBeUndefined();
    const html = await compare(`{ articles(first: 20) { edges { node { comments(first: 5) { edges { node { id body(format: HTML) } } } } } } }`);
    expect(html.answeredDirectly).toBe(false);
    // The data set's body with markup in it is in the answer, escaped.
    expect(JSON.stringify(html.response.body)).toContain('&lt;/script&gt;</p>');
  });

  it('leave what they do not build to the executor, which answers it', async () => {
    const unsupported = [
      `{ articles(first: 2) { edges { node { body } } } }`,
      `{ articles(first: 2) { edges { node { relatedArticles { score } } } } }`,
      `{ articles(first: 2) { edges { node { comments(first: 2) { edges { cursor } } } } } }`,
      `{ articles(first: 2) { edges { node { comments(first: 2) { edges { node { replies(first: 2) { totalCount } } } } } } } }`,
      `{ articles(first: 2) { edges { node { slug } } } sections { name } }`,
      `{ articles(first: 2) { a: edges { node { slug } } b: edges { node { title } } } }`,
    ];
    for (const query of unsupported) {
      const { response, answeredDirectly } = await compare(query);
      expect(answeredDirectly).toBe(false);
      expect(response.body.errors).toBeUndefined();
    }
  });

  it('leave bad input to the executor, so it is reported exactly as before', async () => {
    const bad: [string, Record<string, unknown>?][] = [
      [`{ articles(first: 0) { totalCount } }`],
      [`{ articles(first: 101) { totalCount } }`],
      [`{ articles(after: "not-a-cursor") { totalCount } }`],
      [`{ articles(first: 2) { edges { node { comments(first: 0) { totalCount } } } } }`],
      [`{ articles(filter: { section: "${'s'.repeat(121)}" }) { totalCount } }`],
      [`query($first: Int) { articles(first: $first) { totalCount } }`, { first: 'twenty' }],
    ];
    for (const [query, variables] of bad) {
      const { response, answeredDirectly } = await compare(query, variables);
      expect(answeredDirectly).toBe(false);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    }
    // Each was left to the executor by choice; none was a direct read that failed.
    expect(direct.app.directReads?.failed).toBe(0);
  });
});
