import { ArticleStatus } from '../../src/article/article.entity';
import { Role } from '../../src/auth/role';
import { NewsletterStatus } from '../../src/newsletter/newsletter.entity';
import { errorCodes, useTestApp } from '../setup/harness';
import { viewAt } from '../setup/views';

/**
 * Every path that reaches an Article, asked by every role, about an article the public cannot see: no query may give a
 * role more than article(preview: true) does (src/article/article.access.ts). The hidden article had views and a
 * sign-up while it was public, so analytics rows still point at it.
 */
const { t, f } = useTestApp();

type Who = 'anonymous' | 'ANALYST' | 'AUTHOR of another byline' | 'AUTHOR of its byline' | 'EDITOR' | 'ADMIN';
const EVERYONE: Who[] = ['anonymous', 'ANALYST', 'AUTHOR of another byline', 'AUTHOR of its byline', 'EDITOR', 'ADMIN'];

/** Who may read the hidden article's text: what article(preview: true) allows. */
const MAY_READ_UNPUBLISHED: Who[] = ['AUTHOR of its byline', 'EDITOR', 'ADMIN'];

const HIDDEN_TITLE = 'Embargoed election result';
const HIDDEN_BODY = 'The secret result is in.';

let hiddenId: string;
let publicId: string;
let headersOf: Record<Who, Record<string, string>>;

beforeEach(async () => {
  const byline = await f.makeAuthor({ slug: 'byline' });
  const other = await f.makeAuthor();
  const section = await f.makeSection({ slug: 'politics' });
  const tag = await f.makeTag({ slug: 'election' });
  const shared = { author: byline, section, tags: [tag] };
  const published = await f.makeArticle({ ...shared, title: 'Election night live', body: '<p>Election news.</p>' });
  const hidden = await f.makeArticle({ ...shared, slug: 'hidden-result', title: HIDDEN_TITLE, body: `<p>${HIDDEN_BODY}</p>` });
  [hiddenId, publicId] = [hidden.id, published.id];
  // Seen and signed up for while public, then taken back (as an embargo or a correction would).
  const at = new Date(Date.now() - 3_600_000);
  for (const visitor of ['a', 'b', 'c']) await viewAt(t, hidden.id, visitor, at);
  await viewAt(t, published.id, 'a', at);
  await t.app.dataSource.query(
    `INSERT INTO "newsletter_subscription" ("email", "status", "unsubscribe_token_hash", "source_article_id", "confirmed_at") VALUES ($1, $2, $3, $4, now())`,
    ['reader@example.com', NewsletterStatus.CONFIRMED, '1'.padStart(64, '0'), hidden.id],
  );
  await t.app.services.popularity.refreshWindowTotals();
  await t.app.dataSource.query(`UPDATE "article" SET "status" = $1, "published_at" = now() + interval '1 day' WHERE "id" = $2`, [ArticleStatus.SCHEDULED, hidden.id]);

  headersOf = {
    anonymous: {},
    ANALYST: (await t.staff(Role.ANALYST)).headers,
    'AUTHOR of another byline': (await t.staff(Role.AUTHOR, { authorId: other.id })).headers,
    'AUTHOR of its byline': (await t.staff(Role.AUTHOR, { authorId: byline.id })).headers,
    EDITOR: (await t.staff(Role.EDITOR)).headers,
    ADMIN: (await t.staff(Role.ADMIN)).headers,
  };
});

/** Public paths: the hidden article is never in them, whoever asks. */
const PUBLIC_PATHS: Record<string, string> = {
  'article(id)': `query ($id: ID!) { article(id: $id) { id title body } }`,
  'article(slug)': `{ article(slug: "hidden-result") { id } }`,
  articles: `{ articles(first: 100) { totalCount edges { node { id title } } } }`,
  'articles(filter)': `{ articles(filter: { section: "politics", tag: "election", author: "byline" }) { totalCount edges { node { id } } } }`,
  searchArticles: `{ searchArticles(query: "election") { totalCount edges { node { id title } } } }`,
  'author.articles': `{ author(slug: "byline") { articles { totalCount edges { node { id } } } } }`,
  'section.articles': `{ section(slug: "politics") { articles { totalCount edges { node { id } } } } }`,
  'tag.articles': `{ tag(slug: "election") { articles { totalCount edges { node { id } } } } }`,
  relatedArticles: `query ($public: ID!) { article(id: $public) { relatedArticles(first: 20) { article { id title } } } }`,
  popularArticles: `{ popularArticles(first: 50) { article { id title } } }`,
  trendingArticles: `{ trendingArticles(first: 50) { article { id title } } }`,
};

describe.each(EVERYONE)('as %s', (who) => {
  it.each(Object.keys(PUBLIC_PATHS))('public path %s never shows the hidden article', async (path) => {
    const response = await t.gql(PUBLIC_PATHS[path], { id: hiddenId, public: publicId }, headersOf[who]);
    expect(response.body.errors).toBeUndefined();
    const text = JSON.stringify(response.body.data);
    expect(text).not.toContain(hiddenId);
    expect(text).not.toContain(HIDDEN_TITLE);
  });

  it('article(preview: true) shows it only to those who may read unpublished articles', async () => {
    const response = await t.gql(`query ($id: ID!) { article(id: $id, preview: true) { title body } }`, { id: hiddenId }, headersOf[who]);
    if (MAY_READ_UNPUBLISHED.includes(who)) {
      expect(response.body.data?.article.title).toBe(HIDDEN_TITLE);
    } else {
      expect(errorCodes(response)).toEqual([who === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
      expect(JSON.stringify(response.body)).not.toContain(HIDDEN_BODY);
    }
  });

  it.each([
    ['articleStats', `query ($id: ID!) { articleStats(id: $id) { articleId views article { title body } } }`, (data: any) => [data.articleStats]],
    ['articleViews', `{ articleViews { edges { node { articleId views article { title body } } } } }`, (data: any) => data.articleViews.edges.map((edge: any) => edge.node)],
    ['signupsByArticle', `{ signupsByArticle { edges { node { articleId signups article { title body } } } } }`, (data: any) => data.signupsByArticle.edges.map((edge: any) => edge.node)],
  ])('%s gives the article behind a row only as far as the role may read it', async (_name, query, rowsOf) => {
    const response = await t.gql(query, { id: hiddenId }, headersOf[who]);
    const analytics: Who[] = ['ANALYST', 'EDITOR', 'ADMIN'];
    if (!analytics.includes(who)) {
      expect(errorCodes(response)).toEqual([who === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
      expect(JSON.stringify(response.body)).not.toContain(HIDDEN_BODY);
      return;
    }
    expect(response.body.errors).toBeUndefined();
    const row = (rowsOf(response.body.data) as { articleId: string; article: unknown }[]).find((item) => item.articleId === hiddenId);
    expect(row).toBeDefined();
    // Its numbers stay readable: the row says which article by id.
    expect(row?.article).toEqual(MAY_READ_UNPUBLISHED.includes(who) ? { title: HIDDEN_TITLE, body: `<p>${HIDDEN_BODY}</p>` } : null);
  });
});
