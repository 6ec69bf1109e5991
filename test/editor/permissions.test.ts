import { ArticleStatus } from '../../src/article/article.entity';
import { Role } from '../../src/auth/role';
import { CommentStatus } from '../../src/comment/comment.entity';
import { errorCodes, useTestApp } from '../setup/harness';

const { t, f } = useTestApp();

type Caller = 'anonymous' | 'bad token' | 'revoked' | 'expired' | Role;
const CALLERS: Caller[] = ['anonymous', 'bad token', 'revoked', 'expired', Role.ADMIN, Role.EDITOR, Role.AUTHOR, Role.ANALYST];

/** The state that any operation could change, to compare before and after a refused call. */
async function snapshot(): Promise<string> {
  const tables = ['article', 'article_tag', 'author', 'section', 'tag', 'comment', 'api_token', 'newsletter_subscription'];
  const parts = await Promise.all(tables.map(async (table) => JSON.stringify(await t.app.dataSource.query(`SELECT * FROM "${table}" ORDER BY 1`))));
  // The audit log must not grow either; last_used_at may (a recognised token is a used token).
  const [{ audits }] = await t.app.dataSource.query(`SELECT count(*)::int AS "audits" FROM "audit_entry"`);
  return parts.join('\n').replace(/"last_used_at":(null|"[^"]*")/g, '') + audits;
}

interface Operation {
  name: string;
  /** Roles allowed (ADMIN always is). */
  allowed: Role[];
  query: string;
  variables: () => Promise<Record<string, unknown>>;
}

describe('the role × operation matrix', () => {
  let ids: { article: string; otherArticle: string; author: string; section: string; tag: string; comment: string; token: string };
  let authorOfArticle: string;

  beforeEach(async () => {
    const author = await f.makeAuthor();
    authorOfArticle = author.id;
    const section = await f.makeSection();
    const tag = await f.makeTag();
    const article = await f.makeArticle({ author, status: ArticleStatus.DRAFT });
    const other = await f.makeArticle({ status: ArticleStatus.DRAFT });
    const published = await f.makeArticle();
    const comment = await f.makeComment(published, { status: CommentStatus.PENDING });
    const victim = await t.staff(Role.EDITOR, { name: 'victim' });
    ids = { article: article.id, otherArticle: other.id, author: author.id, section: section.id, tag: tag.id, comment: comment.id, token: victim.tokenId };
  });

  const operations: Operation[] = [
    {
      name: 'createArticle',
      allowed: [Role.EDITOR, Role.AUTHOR],
      query: `mutation ($input: CreateArticleInput!) { createArticle(input: $input) { id } }`,
      variables: async () => ({ input: { title: 'Matrix', body: '<p>x</p>', authorId: authorOfArticle } }),
    },
    {
      name: 'updateArticle (own draft for AUTHOR)',
      allowed: [Role.EDITOR, Role.AUTHOR],
      query: `mutation ($input: UpdateArticleInput!) { updateArticle(input: $input) { id } }`,
      variables: async () => ({ input: { id: ids.article, version: 1, title: 'Changed' } }),
    },
    { name: 'publishArticle', allowed: [Role.EDITOR], query: `mutation ($id: ID!) { publishArticle(id: $id) { id } }`, variables: async () => ({ id: ids.article }) },
    {
      name: 'scheduleArticle',
      allowed: [Role.EDITOR],
      query: `mutation ($id: ID!, $at: DateTimeISO!) { scheduleArticle(id: $id, publishAt: $at) { id } }`,
      variables: async () => ({ id: ids.article, at: new Date(Date.now() + 86_400_000).toISOString() }),
    },
    { name: 'archiveArticle', allowed: [Role.EDITOR], query: `mutation ($id: ID!) { archiveArticle(id: $id) { id } }`, variables: async () => ({ id: ids.article }) },
    { name: 'deleteArticle (own draft for AUTHOR)', allowed: [Role.EDITOR, Role.AUTHOR], query: `mutation ($id: ID!) { deleteArticle(id: $id) { id } }`, variables: async () => ({ id: ids.article }) },
    { name: 'createAuthor', allowed: [Role.EDITOR], query: `mutation { createAuthor(input: { name: "New Byline" }) { id } }`, variables: async () => ({}) },
    { name: 'createSection', allowed: [Role.EDITOR], query: `mutation { createSection(input: { name: "Science" }) { id } }`, variables: async () => ({}) },
    { name: 'deleteTag', allowed: [Role.EDITOR], query: `mutation ($id: ID!) { deleteTag(id: $id) { id } }`, variables: async () => ({ id: ids.tag }) },
    { name: 'moderateComment', allowed: [Role.EDITOR], query: `mutation ($id: ID!) { moderateComment(id: $id, action: APPROVE) { id } }`, variables: async () => ({ id: ids.comment }) },
    { name: 'commentsForModeration', allowed: [Role.EDITOR], query: `{ commentsForModeration { totalCount } }`, variables: async () => ({}) },
    { name: 'newsletterSubscribers', allowed: [], query: `{ newsletterSubscribers { totalCount } }`, variables: async () => ({}) },
    { name: 'newsletterStats', allowed: [Role.ANALYST], query: `{ newsletterStats { total } }`, variables: async () => ({}) },
    { name: 'auditLog', allowed: [], query: `{ auditLog { totalCount } }`, variables: async () => ({}) },
    { name: 'createApiToken', allowed: [], query: `mutation { createApiToken(input: { name: "x", role: EDITOR }) { token } }`, variables: async () => ({}) },
    { name: 'revokeApiToken', allowed: [], query: `mutation ($id: ID!) { revokeApiToken(id: $id) { id } }`, variables: async () => ({ id: ids.token }) },
    ...(
      [
        ['articleStats', `query ($id: ID!) { articleStats(id: $id) { views } }`],
        ['viewSeries', `query ($from: DateTimeISO!, $to: DateTimeISO!) { viewSeries(from: $from, to: $to) { totalViews } }`],
        ['commentActivity', `query ($from: DateTimeISO!, $to: DateTimeISO!) { commentActivity(from: $from, to: $to) { totalPosted } }`],
        ['articleViews', `{ articleViews { totalCount } }`],
        ['topSections', `{ topSections { totalCount } }`],
        ['topAuthors', `{ topAuthors { totalCount } }`],
        ['signupsByArticle', `{ signupsByArticle { totalCount } }`],
      ] as const
    ).map(([name, query]) => ({
      name,
      allowed: [Role.ANALYST, Role.EDITOR],
      query,
      variables: async () => ({ id: ids.article, from: new Date(Date.now() - 7 * 86_400_000).toISOString(), to: new Date().toISOString() }),
    })),
    {
      name: 'article(preview: true)',
      allowed: [Role.EDITOR, Role.AUTHOR],
      query: `query ($id: ID) { article(id: $id, preview: true) { id } }`,
      variables: async () => ({ id: ids.article }),
    },
  ];

  async function headersFor(caller: Caller): Promise<Record<string, string>> {
    switch (caller) {
      case 'anonymous':
        return {};
      case 'bad token':
        return { authorization: 'Bearer mst_thisIsNotARealToken' };
      case 'revoked': {
        const staff = await t.staff(Role.ADMIN);
        await t.app.dataSource.query(`UPDATE "api_token" SET "revoked_at" = now() WHERE "id" = $1`, [staff.tokenId]);
        return staff.headers;
      }
      case 'expired': {
        const staff = await t.staff(Role.ADMIN);
        await t.app.dataSource.query(`UPDATE "api_token" SET "expires_at" = now() - interval '1 second' WHERE "id" = $1`, [staff.tokenId]);
        return staff.headers;
      }
      default:
        return (await t.staff(caller, caller === Role.AUTHOR ? { authorId: authorOfArticle } : {})).headers;
    }
  }

  for (const operation of operations) {
    for (const caller of CALLERS) {
      const allowed = caller === Role.ADMIN || (operation.allowed as string[]).includes(caller);
      const expected = allowed ? 'allowed' : ['anonymous', 'bad token', 'revoked', 'expired'].includes(caller) ? 'UNAUTHENTICATED' : 'FORBIDDEN';
      it(`${operation.name} by ${caller}: ${expected}`, async () => {
        const headers = await headersFor(caller);
        const variables = await operation.variables();
        const before = await snapshot();
        const response = await t.gql(operation.query, variables, headers);
        if (expected === 'allowed') {
          expect(response.body.errors).toBeUndefined();
        } else {
          expect(errorCodes(response)).toEqual([expected]);
          expect(await snapshot()).toBe(before);
        }
      });
    }
  }

  it("refuses an AUTHOR anything on someone else's article, changing nothing", async () => {
    const author = await t.staff(Role.AUTHOR, { authorId: authorOfArticle });
    const before = await snapshot();
    for (const [query, variables] of [
      [`mutation ($input: UpdateArticleInput!) { updateArticle(input: $input) { id } }`, { input: { id: ids.otherArticle, version: 1, title: 'Mine now' } }],
      [`mutation ($id: ID!) { deleteArticle(id: $id) { id } }`, { id: ids.otherArticle }],
      [`query ($id: ID) { article(id: $id, preview: true) { id } }`, { id: ids.otherArticle }],
      [`mutation ($input: CreateArticleInput!) { createArticle(input: $input) { id } }`, { input: { title: 'Under a borrowed name', body: '<p>x</p>', authorId: '00000000-0000-4000-8000-000000000001' } }],
    ] as const) {
      expect(errorCodes(await t.gql(query, variables, author.headers))).toEqual(['FORBIDDEN']);
    }
    expect(await snapshot()).toBe(before);
  });
});
