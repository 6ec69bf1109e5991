import { ArticleStatus } from '../../src/article/article.entity';
import { errorCodes, useTestApp } from '../setup/harness';

const { t, f } = useTestApp();

const RELATED = `query ($id: ID, $first: Int) { article(id: $id) { relatedArticles(first: $first) { score sharedTagCount reasons article { slug } } } }`;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

describe('relatedArticles', () => {
  it('scores shared tags, same section and same author, best first, and says why', async () => {
    const mara = await f.makeAuthor();
    const politics = await f.makeSection();
    const [summit, diplomacy, trade] = [await f.makeTag(), await f.makeTag(), await f.makeTag()];
    const source = await f.makeArticle({ author: mara, section: politics, tags: [summit, diplomacy, trade] });
    await f.makeArticle({ slug: 'two-tags', tags: [summit, diplomacy], publishedAt: hoursAgo(5) }); // 6
    await f.makeArticle({ slug: 'everything', author: mara, section: politics, tags: [trade], publishedAt: hoursAgo(9) }); // 3 + 2 + 1 = 6, older
    await f.makeArticle({ slug: 'section', section: politics, publishedAt: hoursAgo(2) }); // 2
    await f.makeArticle({ slug: 'author', author: mara, publishedAt: hoursAgo(2) }); // 1
    await f.makeArticle({ slug: 'unrelated' });
    await f.makeArticle({ slug: 'draft', status: ArticleStatus.DRAFT, author: mara, section: politics, tags: [summit, diplomacy, trade] });

    const response = await t.gql(RELATED, { id: source.id, first: 10 });
    expect(response.body.data?.article.relatedArticles).toEqual([
      { score: 6, sharedTagCount: 2, reasons: ['SHARED_TAGS'], article: { slug: 'two-tags' } },
      { score: 6, sharedTagCount: 1, reasons: ['SHARED_TAGS', 'SAME_SECTION', 'SAME_AUTHOR'], article: { slug: 'everything' } },
      { score: 2, sharedTagCount: 0, reasons: ['SAME_SECTION'], article: { slug: 'section' } },
      { score: 1, sharedTagCount: 0, reasons: ['SAME_AUTHOR'], article: { slug: 'author' } },
    ]);
  });

  it('cuts the list at the best public scores: unpublished articles never take a place, and ties at the cut are newest first', async () => {
    const mara = await f.makeAuthor();
    const politics = await f.makeSection();
    const [summit, trade] = [await f.makeTag(), await f.makeTag()];
    const source = await f.makeArticle({ author: mara, section: politics, tags: [summit, trade] });
    // Better scores than any public article, none of them public.
    await f.makeArticle({ slug: 'draft', status: ArticleStatus.DRAFT, author: mara, section: politics, tags: [summit, trade] }); // 9
    await f.makeArticle({ slug: 'scheduled-later', status: ArticleStatus.SCHEDULED, publishedAt: hoursAgo(-5), tags: [summit, trade] }); // 6
    await f.makeArticle({ slug: 'archived', status: ArticleStatus.ARCHIVED, publishedAt: hoursAgo(6), tags: [summit, trade] }); // 6
    await f.makeArticle({ slug: 'best', publishedAt: hoursAgo(10), tags: [summit, trade] }); // 6
    // The tier the list is cut in (3 each), and below it.
    await f.makeArticle({ slug: 'one-tag-oldest', publishedAt: hoursAgo(8), tags: [summit] });
    await f.makeArticle({ slug: 'one-tag-newest', publishedAt: hoursAgo(1), tags: [trade] });
    await f.makeArticle({ slug: 'scheduled-out', status: ArticleStatus.SCHEDULED, publishedAt: hoursAgo(3), tags: [summit] });
    await f.makeArticle({ slug: 'one-tag-middle', publishedAt: hoursAgo(4), tags: [summit] });
    await f.makeArticle({ slug: 'section-only', section: politics, publishedAt: hoursAgo(0.5) }); // 2

    const slugs = async (first: number) => (await t.gql(RELATED, { id: source.id, first })).body.data?.article.relatedArticles.map((match: any) => match.article.slug);
    expect(await slugs(3)).toEqual(['best', 'one-tag-newest', 'scheduled-out']);
    expect(await slugs(20)).toEqual(['best', 'one-tag-newest', 'scheduled-out', 'one-tag-middle', 'one-tag-oldest', 'section-only']);
    expect(await slugs(1)).toEqual(['best']);
  });

  it('defaults to five and never includes the article itself', async () => {
    const section = await f.makeSection();
    const source = await f.makeArticle({ section });
    for (let i = 0; i < 7; i++) await f.makeArticle({ section });
    const related = (await t.gql(RELATED, { id: source.id })).body.data?.article.relatedArticles;
    expect(related).toHaveLength(5);
    expect(related.map((match: any) => match.article.slug)).not.toContain(source.slug);
  });

  it('rejects first outside 1..20', async () => {
    const source = await f.makeArticle();
    expect(errorCodes(await t.gql(RELATED, { id: source.id, first: 0 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.gql(RELATED, { id: source.id, first: 21 }))).toEqual(['BAD_USER_INPUT']);
  });
});
