import { ArticleStatus } from '../../src/article/article.entity';
import { encodeCursor } from '../../src/shared/pagination';
import { errorCodes, everyNode, useTestApp } from '../setup/harness';

const { t, f } = useTestApp();

const SEARCH = `query ($query: String!, $first: Int, $after: String) {
  searchArticles(query: $query, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor rank highlight node { slug } }
  }
}`;

describe('searchArticles', () => {
  it('ranks title matches above body matches and highlights the match', async () => {
    await f.makeArticle({ slug: 'in-body', title: 'Markets open higher', body: '<p>Analysts expect the reconstruction fund to lift builders.</p>' });
    await f.makeArticle({ slug: 'in-title', title: 'Reconstruction plan agreed', body: '<p>Two countries will rebuild the bridges.</p>' });
    await f.makeArticle({ slug: 'hidden', title: 'Reconstruction draft', status: ArticleStatus.DRAFT });
    await f.makeArticle({ slug: 'other', title: 'Concert review', body: '<p>A night of music.</p>' });

    const response = await t.gql(SEARCH, { query: 'reconstruction' });
    const result = response.body.data?.searchArticles;
    expect(result.totalCount).toBe(2);
    expect(result.edges.map((edge: any) => edge.node.slug)).toEqual(['in-title', 'in-body']);
    expect(result.edges[0].rank).toBeGreaterThan(result.edges[1].rank);
    // ts_headline trims the fragment at stop words and punctuation; the match and its neighbours are what matter.
    expect(result.edges[1].highlight).toContain('expect the <mark>reconstruction</mark> fund to lift builders');
  });

  it('supports web-search syntax: phrases and exclusions', async () => {
    await f.makeArticle({ slug: 'phrase', title: 'Student visa rules change', body: '<p>Social media screening begins.</p>' });
    await f.makeArticle({ slug: 'words', title: 'Media rules for students', body: '<p>A social event.</p>' });
    const phrase = await t.gql(SEARCH, { query: '"social media"' });
    expect(phrase.body.data?.searchArticles.edges.map((edge: any) => edge.node.slug)).toEqual(['phrase']);
    const excluded = await t.gql(SEARCH, { query: 'rules -visa' });
    expect(excluded.body.data?.searchArticles.edges.map((edge: any) => edge.node.slug)).toEqual(['words']);
  });

  it('escapes article text in the highlight, so only <mark> is markup', async () => {
    await f.makeArticle({ title: 'Quotes', body: '<p>The minister said &lt;script&gt; tags &amp; &quot;budget&quot; matter.</p>' });
    const edge = (await t.gql(SEARCH, { query: 'budget' })).body.data?.searchArticles.edges[0];
    expect(edge.highlight).toContain('minister said &lt;script&gt; tags &amp; &quot;<mark>budget</mark>&quot; matter');
    expect(edge.highlight.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
  });

  it('pages through results by rank without repeats', async () => {
    for (let i = 0; i < 7; i++) await f.makeArticle({ title: `Summit update ${i}`, body: `<p>${'summit '.repeat(i + 1)}</p>` });
    const seen = (await everyNode(t, SEARCH, (data) => data.searchArticles, { variables: { query: 'summit', first: 3 } })).map((node) => node.slug);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it('rejects a forged cursor with a rank PostgreSQL cannot hold', async () => {
    await f.makeArticle({ title: 'Summit' });
    const after = encodeCursor('search', [1e300, '00000000-0000-4000-8000-000000000000']);
    expect(errorCodes(await t.gql(SEARCH, { query: 'summit', after }))).toEqual(['BAD_USER_INPUT']);
  });

  it('answers a query of stop words only with no results', async () => {
    await f.makeArticle({ title: 'The and of' });
    const response = await t.gql(SEARCH, { query: 'the' });
    expect(response.body.data?.searchArticles).toMatchObject({ totalCount: 0, edges: [] });
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['longer than 200 characters', 'a'.repeat(201)],
  ])('rejects an %s query with BAD_USER_INPUT', async (_name, query) => {
    const response = await t.gql(SEARCH, { query });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0].extensions?.field).toBe('query');
  });

  it('treats operators and quotes in the query as text, never as SQL', async () => {
    await f.makeArticle({ title: 'Budget vote' });
    for (const query of ["budget'; DROP TABLE article; --", '!!! & | :* <-> ()', '"unterminated']) {
      const response = await t.gql(SEARCH, { query });
      expect(response.body.errors).toBeUndefined();
    }
    expect((await t.gql(SEARCH, { query: 'budget' })).body.data?.searchArticles.totalCount).toBe(1);
  });
});
