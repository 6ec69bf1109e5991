import { ArticleStatus } from '../../src/article/article.entity';
import { useTestApp } from '../setup/harness';

const { t, f } = useTestApp();

describe('sections and tags', () => {
  it('lists sections by name, each with its public articles', async () => {
    const world = await f.makeSection({ slug: 'world', name: 'World' });
    const culture = await f.makeSection({ slug: 'culture', name: 'Culture' });
    await f.makeArticle({ section: world, slug: 'rebuild' });
    await f.makeArticle({ section: culture, slug: 'concert' });
    await f.makeArticle({ section: culture, slug: 'draft', status: ArticleStatus.DRAFT });
    const response = await t.gql(`{ sections { slug name articles { totalCount edges { node { slug section { slug } } } } } }`);
    expect(response.body.data?.sections).toEqual([
      { slug: 'culture', name: 'Culture', articles: { totalCount: 1, edges: [{ node: { slug: 'concert', section: { slug: 'culture' } } }] } },
      { slug: 'world', name: 'World', articles: { totalCount: 1, edges: [{ node: { slug: 'rebuild', section: { slug: 'world' } } }] } },
    ]);
  });

  it('finds a section and a tag by slug, or null', async () => {
    await f.makeSection({ slug: 'politics', name: 'Politics' });
    const summit = await f.makeTag({ slug: 'summit', name: 'Summit' });
    await f.makeArticle({ slug: 'call', tags: [summit] });
    await f.makeArticle({ slug: 'hidden', tags: [summit], status: ArticleStatus.DRAFT });
    const response = await t.gql(`{ section(slug: "politics") { name } tag(slug: "summit") { name articles { totalCount edges { node { slug } } } } missing: tag(slug: "nope") { name } }`);
    expect(response.body.data).toEqual({
      section: { name: 'Politics' },
      tag: { name: 'Summit', articles: { totalCount: 1, edges: [{ node: { slug: 'call' } }] } },
      missing: null,
    });
  });

  it('pages through tags by name', async () => {
    for (const name of ['Trade', 'Albums', 'Rail', 'Music']) await f.makeTag({ name });
    const first = (await t.gql(`{ tags(first: 3) { totalCount pageInfo { endCursor hasNextPage } edges { node { name } } } }`)).body.data?.tags;
    expect(first.totalCount).toBe(4);
    expect(first.edges.map((edge: any) => edge.node.name)).toEqual(['Albums', 'Music', 'Rail']);
    const rest = (await t.gql(`query ($after: String) { tags(first: 3, after: $after) { pageInfo { hasNextPage } edges { node { name } } } }`, { after: first.pageInfo.endCursor }))
      .body.data?.tags;
    expect(rest).toEqual({ pageInfo: { hasNextPage: false }, edges: [{ node: { name: 'Trade' } }] });
  });
});
