import { ArticleStatus } from '../../src/article/article.entity';
import { errorCodes, useTestApp } from '../setup/harness';

const { t, f } = useTestApp();

const ARTICLE = `query ($slug: String, $id: ID) { article(slug: $slug, id: $id) { id slug title } }`;

describe('article(slug, id)', () => {
  it('finds a published article by slug and by id', async () => {
    const article = await f.makeArticle({ slug: 'leaders-call', title: 'Leaders hold first call' });
    const bySlug = await t.gql(ARTICLE, { slug: 'leaders-call' });
    expect(bySlug.body).toEqual({ data: { article: { id: article.id, slug: 'leaders-call', title: 'Leaders hold first call' } } });
    const byId = await t.gql(ARTICLE, { id: article.id });
    expect(byId.body.data?.article.slug).toBe('leaders-call');
  });

  it('returns null for an unknown slug or id', async () => {
    expect((await t.gql(ARTICLE, { slug: 'no-such-story' })).body).toEqual({ data: { article: null } });
    expect((await t.gql(ARTICLE, { id: '00000000-0000-4000-8000-000000000000' })).body).toEqual({ data: { article: null } });
  });

  it('hides drafts, archived articles and scheduled articles that are not yet due', async () => {
    await f.makeArticle({ slug: 'draft', status: ArticleStatus.DRAFT });
    await f.makeArticle({ slug: 'archived', status: ArticleStatus.ARCHIVED });
    await f.makeArticle({ slug: 'future', status: ArticleStatus.SCHEDULED, publishedAt: new Date(Date.now() + 3_600_000) });
    for (const slug of ['draft', 'archived', 'future']) {
      expect((await t.gql(ARTICLE, { slug })).body).toEqual({ data: { article: null } });
    }
  });

  it('shows a published article even when its date is set in the future (only SCHEDULED waits for its time)', async () => {
    const embargoed = await f.makeArticle({ slug: 'dated-ahead', status: ArticleStatus.PUBLISHED, publishedAt: new Date(Date.now() + 3_600_000) });
    expect((await t.gql(ARTICLE, { id: embargoed.id })).body.data?.article.slug).toBe('dated-ahead');
  });

  it('shows a scheduled article once its time has passed, with no job running', async () => {
    const due = await f.makeArticle({ slug: 'due', status: ArticleStatus.SCHEDULED, publishedAt: new Date(Date.now() - 1000) });
    expect((await t.gql(ARTICLE, { id: due.id })).body.data?.article.slug).toBe('due');
  });

  it('rejects an id that is not a UUID, and a lookup with both or neither argument', async () => {
    const badId = await t.gql(ARTICLE, { id: 'abc' });
    expect(errorCodes(badId)).toEqual(['BAD_USER_INPUT']);
    expect(badId.body.errors?.[0].extensions?.field).toBe('id');
    expect(badId.body.data).toEqual({ article: null });
    expect(errorCodes(await t.gql(ARTICLE, {}))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.gql(ARTICLE, { slug: 'a', id: '00000000-0000-4000-8000-000000000000' }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('Article fields', () => {
  it('renders body as HTML or text, with word count and reading time', async () => {
    const words = Array.from({ length: 460 }, (_, i) => `word${i}`).join(' ');
    const article = await f.makeArticle({ body: `<h2>Heading</h2><p>Tom &amp; Jerry said &quot;hello&quot;.</p><p>${words}</p>` });
    const response = await t.gql(`query ($id: ID) { article(id: $id) { html: body text: body(format: TEXT) wordCount readingTimeMinutes } }`, {
      id: article.id,
    });
    const fields = response.body.data?.article;
    expect(fields.html).toBe(article.body);
    expect(fields.text).toMatch(/^Heading\n\nTom & Jerry said "hello"\.\n\nword0 word1/);
    expect(fields.text).not.toContain('<');
    expect(fields.wordCount).toBe(1 + 4 + 460);
    expect(fields.readingTimeMinutes).toBe(Math.ceil(465 / 230));
  });

  it('builds the public URL and share links from the configured base URL', async () => {
    const article = await f.makeArticle({ slug: 'rail-deal', title: 'Rail deal & more', publishedAt: new Date('2026-03-04T10:00:00Z') });
    const response = await t.gql(`query ($id: ID) { article(id: $id) { url shareLinks { x facebook linkedIn email } } }`, { id: article.id });
    const url = 'https://news.example.com/2026/03/04/rail-deal';
    expect(response.body.data?.article).toEqual({
      url,
      shareLinks: {
        x: `https://x.com/intent/post?url=${encodeURIComponent(url)}&text=Rail+deal+%26+more`,
        facebook: `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(url)}`,
        linkedIn: `https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(url)}`,
        email: `mailto:?subject=Rail%20deal%20%26%20more&body=${encodeURIComponent(url)}`,
      },
    });
  });

  it('gives author, section, tags and featured image', async () => {
    const author = await f.makeAuthor({ name: 'Mara Okonjo', slug: 'mara-okonjo' });
    const section = await f.makeSection({ name: 'Politics', slug: 'politics' });
    const tags = [await f.makeTag({ name: 'Summit', slug: 'summit' }), await f.makeTag({ name: 'Diplomacy', slug: 'diplomacy' })];
    const withImage = await f.makeArticle({
      author,
      section,
      tags,
      featuredImageUrl: 'https://images.example.com/a.jpg',
      featuredImageAlt: 'Two flags',
      featuredImageCaption: 'Flags at the border',
    });
    const plain = await f.makeArticle({ author });
    const query = `query ($id: ID) { article(id: $id) { author { name slug } section { name } tags { slug } featuredImage { url alt caption } } }`;
    expect((await t.gql(query, { id: withImage.id })).body.data?.article).toEqual({
      author: { name: 'Mara Okonjo', slug: 'mara-okonjo' },
      section: { name: 'Politics' },
      tags: [{ slug: 'diplomacy' }, { slug: 'summit' }],
      featuredImage: { url: 'https://images.example.com/a.jpg', alt: 'Two flags', caption: 'Flags at the border' },
    });
    expect((await t.gql(query, { id: plain.id })).body.data?.article).toMatchObject({ section: null, tags: [], featuredImage: null });
  });
});
