import { ArticleStatus } from '../../src/article/article.entity';
import { errorCodes, useTestApp } from '../setup/harness';

const { t, f } = useTestApp();

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

describe('authors', () => {
  it('finds an author by slug with their public articles, newest first', async () => {
    const mara = await f.makeAuthor({ slug: 'mara-okonjo', name: 'Mara Okonjo', bio: 'Diplomatic correspondent.', avatarUrl: 'https://images.example.com/m.jpg' });
    await f.makeArticle({ author: mara, slug: 'older', publishedAt: hoursAgo(5) });
    await f.makeArticle({ author: mara, slug: 'newer', publishedAt: hoursAgo(1) });
    await f.makeArticle({ author: mara, slug: 'draft', status: ArticleStatus.DRAFT });
    const response = await t.gql(`{ author(slug: "mara-okonjo") { name bio avatarUrl articles(first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { node { slug author { name } } } } } }`);
    const author = response.body.data?.author;
    expect(author).toMatchObject({ name: 'Mara Okonjo', bio: 'Diplomatic correspondent.', avatarUrl: 'https://images.example.com/m.jpg' });
    expect(author.articles.totalCount).toBe(2);
    expect(author.articles.edges).toEqual([{ node: { slug: 'newer', author: { name: 'Mara Okonjo' } } }]);
    const next = await t.gql(`query ($after: String) { author(slug: "mara-okonjo") { articles(first: 1, after: $after) { pageInfo { hasNextPage } edges { node { slug } } } } }`, {
      after: author.articles.pageInfo.endCursor,
    });
    expect(next.body.data?.author.articles).toEqual({ pageInfo: { hasNextPage: false }, edges: [{ node: { slug: 'older' } }] });
  });

  it('returns null for an unknown author', async () => {
    expect((await t.gql(`{ author(slug: "nobody") { name } }`)).body).toEqual({ data: { author: null } });
  });

  it('lists authors by name, paginated, each with their latest articles', async () => {
    for (const name of ['Chen', 'Adeyemi', 'Brennan']) {
      const author = await f.makeAuthor({ name });
      await f.makeArticle({ author, slug: `${name.toLowerCase()}-story` });
    }
    const query = `query ($after: String) { authors(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { name articles(first: 3) { edges { node { slug } } } } } } }`;
    const first = (await t.gql(query)).body.data?.authors;
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((edge: any) => [edge.node.name, edge.node.articles.edges[0].node.slug])).toEqual([
      ['Adeyemi', 'adeyemi-story'],
      ['Brennan', 'brennan-story'],
    ]);
    const second = (await t.gql(query, { after: first.pageInfo.endCursor })).body.data?.authors;
    expect(second.edges.map((edge: any) => edge.node.name)).toEqual(['Chen']);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('rejects a page size over 100 and a forged cursor', async () => {
    expect(errorCodes(await t.gql(`{ authors(first: 101) { totalCount } }`))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.gql(`{ authors(after: "eyJ4Ijox") { totalCount } }`))).toEqual(['BAD_USER_INPUT']);
  });
});
