import { ARTICLE_PAGE_QUERY, FRONT_PAGE_QUERY } from '../bench/queries';
import type { Article } from '../src/article/article.entity';
import { factories } from './setup/factories';
import { startTestApp, type TestApp } from './setup/harness';

let t: TestApp;
let f: ReturnType<typeof factories>;
let articles: Article[];

/** A newsroom in miniature: 25 articles across authors, sections and tags, each with a thread of comments and replies. */
beforeAll(async () => {
  t = await startTestApp();
  f = factories(t.app.dataSource);
  await t.reset();
  const authors = [await f.makeAuthor(), await f.makeAuthor(), await f.makeAuthor()];
  const sections = [await f.makeSection(), await f.makeSection()];
  const tags = [await f.makeTag(), await f.makeTag(), await f.makeTag(), await f.makeTag()];
  articles = [];
  for (let i = 0; i < 25; i++) {
    const article = await f.makeArticle({
      author: authors[i % 3],
      section: i % 5 === 0 ? null : sections[i % 2],
      tags: [tags[i % 4], tags[(i + 1) % 4]],
      publishedAt: new Date(Date.now() - (i + 1) * 3_600_000),
    });
    articles.push(article);
    for (let c = 0; c < 8; c++) {
      const comment = await f.makeComment(article, { createdAt: new Date(Date.now() - (100 - c) * 60_000) });
      if (c % 2 === 0) await f.makeComment(article, { parent: comment });
    }
  }
});
afterAll(() => t.close());

/** Runs an operation over HTTP and returns how many SQL statements the app sent while answering it. */
async function countStatements(query: string, variables: Record<string, unknown>): Promise<number> {
  const before = t.app.sqlStatements.total;
  const response = await t.gql(query, variables);
  expect(response.body.errors).toBeUndefined();
  return t.app.sqlStatements.total - before;
}

describe('batching', () => {
  it('answers the front page (20 articles, 5 comments each) in at most 6 statements, the same at 50 comments', async () => {
    const atFive = await countStatements(FRONT_PAGE_QUERY, { first: 20, comments: 5 });
    const atFifty = await countStatements(FRONT_PAGE_QUERY, { first: 20, comments: 50 });
    expect(atFive).toBeLessThanOrEqual(6);
    expect(atFifty).toBe(atFive);
    // Tags, counts and the first comments are read along with the articles (article.lookahead.ts).
    expect(atFive).toBe(1);
  });

  it('returns the front page data those statements imply', async () => {
    const response = await t.gql(FRONT_PAGE_QUERY, { first: 20, comments: 5 });
    const edges = response.body.data?.articles.edges;
    expect(edges).toHaveLength(20);
    for (const { node } of edges) {
      expect(node.commentCount).toBe(12);
      expect(node.comments.edges).toHaveLength(5);
      expect(node.comments.edges.map((edge: any) => edge.node.replyCount)).toEqual([1, 0, 1, 0, 1]);
      expect(node.tags).toHaveLength(2);
    }
  });

  it('answers the article page (author, tags, comments with replies, 5 related) in at most 8 statements', async () => {
    const statements = await countStatements(ARTICLE_PAGE_QUERY, { slug: articles[3].slug });
    expect(statements).toBeLessThanOrEqual(8);
    // The article with its tags, counts and first comments; the replies; the related articles.
    expect(statements).toBe(3);
    const response = await t.gql(ARTICLE_PAGE_QUERY, { slug: articles[3].slug });
    const article = response.body.data?.article;
    expect(article.relatedArticles).toHaveLength(5);
    expect(article.comments.edges).toHaveLength(8);
    expect(article.comments.edges[0].node.replies.edges).toHaveLength(1);
  });

  it('answers the same whether a relation was read along with the articles or loaded afterwards', async () => {
    const query = `{ articles(first: 5) { edges { node { ...Teaser
      fewer: comments(first: 4) { edges { node { id replyCount } } } } } } }
      fragment Teaser on Article { tags { slug } commentCount comments(first: 5) { totalCount edges { node { id replyCount } } } }`;
    const response = await t.gql(query);
    expect(response.body.errors).toBeUndefined();
    const edges = response.body.data?.articles.edges ?? [];
    expect(edges).toHaveLength(5);
    for (const { node } of edges) {
      expect(node.comments.edges).toHaveLength(5);
      expect(node.fewer.edges).toEqual(node.comments.edges.slice(0, 4));
      expect(node.comments.totalCount).toBe(8);
    }
    // The same relations for each article on its own, through article(id:), give the same answers.
    const loaded = await Promise.all(
      articles.slice(0, 5).map(async ({ id }) => (await t.gql(`query ($id: ID) { article(id: $id) { tags { slug } commentCount } }`, { id })).body.data?.article),
    );
    expect(edges.map(({ node }: any) => ({ tags: node.tags, commentCount: node.commentCount }))).toEqual(loaded);
  });

  it('sends no more statements for an author list when each author shows articles', async () => {
    const query = `query ($n: Int) { authors(first: 3) { edges { node { name articles(first: $n) { totalCount edges { node { title section { name } tags { name } } } } } } } }`;
    const small = await countStatements(query, { n: 1 });
    const large = await countStatements(query, { n: 10 });
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(4);
  });
});
