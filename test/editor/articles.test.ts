import { Role } from '../../src/auth/role';
import { errorCodes, useTestApp } from '../setup/harness';

const { t, f } = useTestApp();

const CREATE = `mutation ($input: CreateArticleInput!) { createArticle(input: $input) { id slug status version body title } }`;
const UPDATE = `mutation ($input: UpdateArticleInput!) { updateArticle(input: $input) { id slug title body version } }`;
const PUBLIC = `query ($id: ID) { article(id: $id) { id status } }`;

async function editor() {
  return (await t.staff(Role.EDITOR, { name: 'Eda Editor' })).headers;
}

async function create(headers: Record<string, string>, input: Record<string, unknown>) {
  const author = await f.makeAuthor();
  const response = await t.gql(CREATE, { input: { authorId: author.id, body: '<p>Text.</p>', ...input } }, headers);
  expect(response.body.errors).toBeUndefined();
  return response.body.data?.createArticle as { id: string; slug: string; status: string; version: number; body: string; title: string };
}

describe('writing articles', () => {
  it('creates a draft, hidden from the public, with a slug made from the title', async () => {
    const headers = await editor();
    const article = await create(headers, { title: 'Über den Wolken: Łódź & Москва talks' });
    expect(article).toMatchObject({ status: 'DRAFT', version: 1, slug: 'uber-den-wolken-lodz-and-moskva-talks' });
    expect((await t.gql(PUBLIC, { id: article.id })).body.data?.article).toBeNull();
  });

  it('suffixes a slug that is taken, and refuses an explicit slug that is taken', async () => {
    const headers = await editor();
    expect((await create(headers, { title: 'Budget vote' })).slug).toBe('budget-vote');
    expect((await create(headers, { title: 'Budget vote' })).slug).toBe('budget-vote-2');
    expect((await create(headers, { title: 'Budget  vote!' })).slug).toBe('budget-vote-3');
    const author = await f.makeAuthor();
    const clash = await t.gql(CREATE, { input: { title: 'Other', slug: 'budget-vote', body: '<p>x</p>', authorId: author.id } }, headers);
    expect(errorCodes(clash)).toEqual(['CONFLICT']);
    expect(errorCodes(await t.gql(CREATE, { input: { title: 'Other', slug: 'Not A Slug', body: '<p>x</p>', authorId: author.id } }, headers))).toEqual(['BAD_USER_INPUT']);
  });

  it('gives concurrent drafts with the same headline different slugs', async () => {
    const headers = await editor();
    const author = await f.makeAuthor();
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => t.gql(CREATE, { input: { title: 'Storm warning', body: '<p>x</p>', authorId: author.id } }, headers)),
    );
    expect(responses.map((response) => response.body.errors)).toEqual([undefined, undefined, undefined, undefined]);
    const slugs = responses.map((response) => response.body.data?.createArticle.slug as string).sort();
    expect(slugs).toEqual(['storm-warning', 'storm-warning-2', 'storm-warning-3', 'storm-warning-4']);
  });

  it('refuses a body with nothing left once sanitised, and control characters in any text field', async () => {
    const headers = await editor();
    const author = await f.makeAuthor();
    const empty = await t.gql(CREATE, { input: { title: 'Only a script', body: '<script>alert(1)</script>', authorId: author.id } }, headers);
    expect(errorCodes(empty)).toEqual(['BAD_USER_INPUT']);
    for (const input of [{ excerpt: 'a\u0000b' }, { body: '<p>a\u0000b</p>' }, { featuredImageAlt: 'a\u0007' }, { title: 'Tab\theadline' }]) {
      const response = await t.gql(CREATE, { input: { title: 'Fine', body: '<p>Fine</p>', authorId: author.id, ...input } }, headers);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    }
    const article = await create(headers, { title: 'Fine' });
    expect(errorCodes(await t.gql(UPDATE, { input: { id: article.id, version: 1, body: '<p>\u0000</p>' } }, headers))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.gql(UPDATE, { input: { id: article.id, version: 1, body: '<style>p{}</style>' } }, headers))).toEqual(['BAD_USER_INPUT']);
    expect(await t.app.dataSource.query(`SELECT "title", "version" FROM "article"`)).toEqual([{ title: 'Fine', version: 1 }]);
  });

  it('keeps an explicit slug sent unchanged with a new headline, and never leaves a dangling hyphen', async () => {
    const headers = await editor();
    const article = await create(headers, { title: 'Draft one', slug: 'chosen-slug' });
    const updated = await t.gql(UPDATE, { input: { id: article.id, version: 1, title: 'Draft two', slug: 'chosen-slug' } }, headers);
    expect(updated.body.data?.updateArticle.slug).toBe('chosen-slug');
    const long = `${'a'.repeat(117)}-bc`; // 120 characters: with "-2" the cut falls right after the hyphen
    expect((await create(headers, { title: long })).slug).toBe(long);
    expect((await create(headers, { title: long })).slug).toBe(`${'a'.repeat(117)}-2`);
  });

  it('sanitises the body: no script, no event handlers, no javascript: links', async () => {
    const headers = await editor();
    const article = await create(headers, {
      title: 'Sanitised',
      body: `<p onclick="steal()">Hello <script>alert(1)</script><a href="javascript:alert(2)">x</a> <img src="x" onerror="alert(3)"><a href="https://example.com" target="_blank">ok</a></p><style>p{}</style>`,
    });
    expect(article.body).not.toMatch(/script|onclick|onerror|javascript:|<style/i);
    expect(article.body).toContain('<a href="https://example.com" target="_blank" rel="noopener noreferrer">ok</a>');
    const stored = (await t.app.dataSource.query(`SELECT "body" FROM "article" WHERE "id" = $1`, [article.id]))[0].body;
    expect(stored).toBe(article.body);
  });

  it('updates with the current version, and refuses a stale one without overwriting', async () => {
    const headers = await editor();
    const article = await create(headers, { title: 'Draft headline' });
    const first = await t.gql(UPDATE, { input: { id: article.id, version: 1, title: 'Better headline', body: '<p>Two</p>' } }, headers);
    expect(first.body.data?.updateArticle).toMatchObject({ title: 'Better headline', slug: 'better-headline', body: '<p>Two</p>', version: 2 });
    const stale = await t.gql(UPDATE, { input: { id: article.id, version: 1, title: 'Someone else' } }, headers);
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
    expect(stale.body.errors?.[0].extensions?.currentVersion).toBe(2);
    const [stored] = await t.app.dataSource.query(`SELECT "title", "version" FROM "article" WHERE "id" = $1`, [article.id]);
    expect(stored).toEqual({ title: 'Better headline', version: 2 });
  });

  it('lets only one of two concurrent edits of the same version through', async () => {
    const headers = await editor();
    const article = await create(headers, { title: 'Race' });
    const [a, b] = await Promise.all([
      t.gql(UPDATE, { input: { id: article.id, version: 1, title: 'Edit A' } }, headers),
      t.gql(UPDATE, { input: { id: article.id, version: 1, title: 'Edit B' } }, headers),
    ]);
    expect([errorCodes(a), errorCodes(b)].sort()).toEqual([[], ['CONFLICT']]);
  });

  it('keeps the slug once published, even when the headline changes', async () => {
    const headers = await editor();
    const article = await create(headers, { title: 'First headline' });
    await t.gql(`mutation ($id: ID!) { publishArticle(id: $id) { id } }`, { id: article.id }, headers);
    const renamed = await t.gql(UPDATE, { input: { id: article.id, version: 2, title: 'Second headline' } }, headers);
    expect(renamed.body.data?.updateArticle).toMatchObject({ title: 'Second headline', slug: 'first-headline' });
    expect(errorCodes(await t.gql(UPDATE, { input: { id: article.id, version: 3, slug: 'another-slug' } }, headers))).toEqual(['CONFLICT']);
  });

  it('publishes, unpublishes, archives and deletes', async () => {
    const headers = await editor();
    const article = await create(headers, { title: 'Lifecycle' });
    const run = async (operation: string) => (await t.gql(`mutation ($id: ID!) { ${operation}(id: $id) { status publishedAt } }`, { id: article.id }, headers)).body.data?.[operation];
    const published = await run('publishArticle');
    expect(published.status).toBe('PUBLISHED');
    expect((await t.gql(PUBLIC, { id: article.id })).body.data?.article).toEqual({ id: article.id, status: 'PUBLISHED' });
    expect(await run('unpublishArticle')).toMatchObject({ status: 'DRAFT', publishedAt: published.publishedAt });
    expect((await t.gql(PUBLIC, { id: article.id })).body.data?.article).toBeNull();
    // Published again: it keeps its first date.
    expect((await run('publishArticle')).publishedAt).toBe(published.publishedAt);
    expect((await run('archiveArticle')).status).toBe('ARCHIVED');
    expect((await t.gql(PUBLIC, { id: article.id })).body.data?.article).toBeNull();
    expect((await t.gql(`mutation ($id: ID!) { deleteArticle(id: $id) { id } }`, { id: article.id }, headers)).body.data).toEqual({ deleteArticle: { id: article.id } });
    expect(await t.app.dataSource.query(`SELECT 1 FROM "article" WHERE "id" = $1`, [article.id])).toEqual([]);
  });

  it('schedules an article that appears by itself when its time comes, with no job running', async () => {
    const headers = await editor();
    const article = await create(headers, { title: 'Embargoed' });
    const at = new Date(Date.now() + 1_000).toISOString();
    const scheduled = await t.gql(`mutation ($id: ID!, $at: DateTimeISO!) { scheduleArticle(id: $id, publishAt: $at) { status publishedAt } }`, { id: article.id, at }, headers);
    expect(scheduled.body.data?.scheduleArticle).toEqual({ status: 'SCHEDULED', publishedAt: at });
    expect((await t.gql(PUBLIC, { id: article.id })).body.data?.article).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await t.gql(PUBLIC, { id: article.id })).body.data?.article).toEqual({ id: article.id, status: 'SCHEDULED' });
    const past = await t.gql(`mutation ($id: ID!, $at: DateTimeISO!) { scheduleArticle(id: $id, publishAt: $at) { status } }`, { id: article.id, at: new Date(Date.now() - 1000).toISOString() }, headers);
    expect(errorCodes(past)).toEqual(['BAD_USER_INPUT']);
  });

  it('does not take a live article offline by scheduling it; a scheduled one that never came out can be moved', async () => {
    const headers = await editor();
    const article = await create(headers, { title: 'Live story' });
    const SCHEDULE = `mutation ($id: ID!, $at: DateTimeISO!) { scheduleArticle(id: $id, publishAt: $at) { status publishedAt } }`;
    const later = new Date(Date.now() + 3_600_000).toISOString();
    expect((await t.gql(SCHEDULE, { id: article.id, at: later }, headers)).body.data?.scheduleArticle.status).toBe('SCHEDULED');
    const evenLater = new Date(Date.now() + 7_200_000).toISOString();
    expect((await t.gql(SCHEDULE, { id: article.id, at: evenLater }, headers)).body.data?.scheduleArticle.publishedAt).toBe(evenLater);
    // Unpublished before it came out: it forgets the date, so it is a plain draft again (slug free to change).
    expect((await t.gql(`mutation ($id: ID!) { unpublishArticle(id: $id) { status publishedAt } }`, { id: article.id }, headers)).body.data?.unpublishArticle).toEqual({ status: 'DRAFT', publishedAt: null });
    await t.gql(`mutation ($id: ID!) { publishArticle(id: $id) { id } }`, { id: article.id }, headers);
    const refused = await t.gql(SCHEDULE, { id: article.id, at: later }, headers);
    expect(errorCodes(refused)).toEqual(['CONFLICT']);
    expect((await t.gql(PUBLIC, { id: article.id })).body.data?.article).toEqual({ id: article.id, status: 'PUBLISHED' });
  });

  it('shows each mutation in a document its own writes, not what an earlier one cached', async () => {
    const headers = await editor();
    const tag = await f.makeTag({ name: 'Energy' });
    const article = await create(headers, { title: 'Tagged twice' });
    const response = await t.gql(
      `mutation ($id: ID!, $tag: ID!) {
        a: updateArticle(input: { id: $id, version: 1, tagIds: [$tag] }) { version tags { name } }
        b: updateArticle(input: { id: $id, version: 2, tagIds: [] }) { version tags { name } }
      }`,
      { id: article.id, tag: tag.id },
      headers,
    );
    expect(response.body.data).toEqual({ a: { version: 2, tags: [{ name: 'Energy' }] }, b: { version: 3, tags: [] } });
  });

  it('lets editors and the article\'s author preview drafts; the public never', async () => {
    const writer = await f.makeAuthor();
    const own = await t.staff(Role.AUTHOR, { authorId: writer.id });
    const draft = await t.gql(CREATE, { input: { title: 'Preview me', body: '<p>x</p>' } }, own.headers);
    const { id, slug } = draft.body.data?.createArticle ?? {};
    const query = `query ($slug: String) { article(slug: $slug, preview: true) { id status author { id } } }`;
    expect((await t.gql(query, { slug }, own.headers)).body.data?.article).toEqual({ id, status: 'DRAFT', author: { id: writer.id } });
    expect((await t.gql(query, { slug }, await editor())).body.data?.article.id).toBe(id);
    expect(errorCodes(await t.gql(query, { slug }))).toEqual(['UNAUTHENTICATED']);
    expect((await t.gql(`query ($slug: String) { article(slug: $slug) { id } }`, { slug })).body.data?.article).toBeNull();
  });

  it("lets an AUTHOR delete their draft, but not one readers have seen", async () => {
    const writer = await f.makeAuthor();
    const own = await t.staff(Role.AUTHOR, { authorId: writer.id });
    const headers = await editor();
    const DELETE = `mutation ($id: ID!) { deleteArticle(id: $id) { id } }`;
    const draft = (await t.gql(CREATE, { input: { title: 'Never out', body: '<p>x</p>' } }, own.headers)).body.data?.createArticle;
    expect((await t.gql(DELETE, { id: draft.id }, own.headers)).body.data).toEqual({ deleteArticle: { id: draft.id } });
    const story = (await t.gql(CREATE, { input: { title: 'Was out', body: '<p>x</p>' } }, own.headers)).body.data?.createArticle;
    await t.gql(`mutation ($id: ID!) { publishArticle(id: $id) { id } }`, { id: story.id }, headers);
    await t.gql(`mutation ($id: ID!) { unpublishArticle(id: $id) { id } }`, { id: story.id }, headers);
    expect(errorCodes(await t.gql(DELETE, { id: story.id }, own.headers))).toEqual(['FORBIDDEN']);
    expect(await t.app.dataSource.query(`SELECT "title", "status" FROM "article"`)).toEqual([{ title: 'Was out', status: 'DRAFT' }]);
  });

  it('refuses references to things that do not exist, storing nothing', async () => {
    const headers = await editor();
    const author = await f.makeAuthor();
    for (const input of [
      { title: 'x', body: '<p>x</p>', authorId: '00000000-0000-4000-8000-000000000009' },
      { title: 'x', body: '<p>x</p>', authorId: author.id, sectionId: '00000000-0000-4000-8000-000000000009' },
      { title: 'x', body: '<p>x</p>', authorId: author.id, tagIds: ['00000000-0000-4000-8000-000000000009'] },
    ]) {
      expect(errorCodes(await t.gql(CREATE, { input }, headers))).toEqual(['NOT_FOUND']);
    }
    expect(await t.app.dataSource.query(`SELECT 1 FROM "article"`)).toEqual([]);
  });

  it('writes an audit entry for every change: who, what, when, before and after', async () => {
    const headers = await editor();
    const article = await create(headers, { title: 'Audited' });
    await t.gql(`mutation ($id: ID!) { publishArticle(id: $id) { id } }`, { id: article.id }, headers);
    const admin = await t.staff(Role.ADMIN);
    const log = await t.gql(`{ auditLog(first: 10) { totalCount edges { node { actorName actorRole action subjectType subjectId before after createdAt } } } }`, {}, admin.headers);
    const entries = log.body.data?.auditLog.edges.map((edge: any) => edge.node);
    // The two tokens were issued as token:create issues them, from the server console.
    expect(entries.map((entry: any) => `${entry.action} by ${entry.actorRole}`)).toEqual([
      'token.create by CONSOLE',
      'article.publish by EDITOR',
      'article.create by EDITOR',
      'token.create by CONSOLE',
    ]);
    expect(entries[1]).toMatchObject({ actorName: 'Eda Editor', actorRole: 'EDITOR', subjectType: 'article', subjectId: article.id });
    expect(entries[1].before).toMatchObject({ status: 'DRAFT', publishedAt: null });
    expect(entries[1].after).toMatchObject({ status: 'PUBLISHED', publishedAt: expect.any(String) });
    expect(entries[3].after).toMatchObject({ name: 'Eda Editor', role: 'EDITOR', authorId: null });
  });
});
