import { createHash, randomUUID } from 'node:crypto';
import { ArticleStatus } from '../../src/article/article.entity';
import { Role } from '../../src/auth/role';
import type { CachedResponse, Filled } from '../../src/cache/response-cache';
import { CommentStatus } from '../../src/comment/comment.entity';
import { startTestApp, useTestApp, type TestApp } from '../setup/harness';

/**
 * The response cache and HTTP caching, through real HTTP against real PostgreSQL: GET queries as CDNs and urql send
 * them, headers, 304s, and purges that are exact (what a change can affect is purged, nothing else is).
 */

const FRONT = `{ articles(first: 10) { edges { node { title slug } } } }`;
const BY_SECTION = `query ($section: String!) { articles(filter: { section: $section }) { edges { node { title } } } }`;
const BY_TAG = `query ($tag: String!) { articles(filter: { tag: $tag }) { edges { node { title } } } }`;
const PAGE = `query ($slug: String!) { article(slug: $slug) { title commentCount comments { edges { node { body } } } } }`;

interface Got {
  status: number;
  headers: Headers;
  text: string;
  body: { data?: Record<string, any> | null; errors?: { extensions?: { code?: string } }[] };
}

async function get(t: TestApp, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Got> {
  const search = new URLSearchParams({ query, ...(variables ? { variables: JSON.stringify(variables) } : {}) });
  const response = await fetch(`${t.url}/graphql?${search}`, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : {} };
}

const titles = (got: Got): string[] => got.body.data?.articles.edges.map((edge: { node: { title: string } }) => edge.node.title) ?? [];

describe('HTTP caching of public queries', () => {
  const { t, f } = useTestApp({ RESPONSE_CACHE: 'true' });

  it('answers a plain GET query (no preflight header) with Cache-Control, a strong ETag, cache tags, and 304 on If-None-Match', async () => {
    const world = await f.makeSection({ slug: 'world', name: 'World' });
    const article = await f.makeArticle({ title: 'Rain', section: world });

    const first = await get(t, FRONT);
    expect(first.status).toBe(200);
    expect(titles(first)).toEqual(['Rain']);
    expect(first.headers.get('cache-control')).toBe('public, max-age=60, s-maxage=300, stale-while-revalidate=60');
    expect(first.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{16,}"$/);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const tags = first.headers.get('surrogate-key')?.split(' ');
    expect(tags).toEqual(expect.arrayContaining(['list:all', `article:${article.id}`]));
    expect(first.headers.get('cache-tag')?.split(',')).toEqual(tags);

    // Served before Express (src/cache/graphql-http.ts, serveFreshGet), with the same headers the full path gives.
    const hitsBefore = t.app.responseCache?.counters.hits ?? 0;
    const second = await get(t, FRONT, undefined, { origin: 'https://news.example.com' });
    expect(second.headers.get('x-cache')).toBe('HIT');
    // The fast path counts its hits without the full path's lookup (which would count a hit too, and a miss first).
    expect(t.app.responseCache?.counters.hits).toBe(hitsBefore + 1);
    expect(t.app.responseCache?.counters.fastHits).toBe(1);
    expect(second.headers.get('access-control-allow-origin')).toBe('*');
    expect(second.headers.get('surrogate-key')).toBe(first.headers.get('surrogate-key'));
    expect(second.headers.get('cache-control')).toBe(first.headers.get('cache-control'));
    expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(second.text).toBe(first.text);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(0);

    const revalidated = await get(t, FRONT, undefined, { 'if-none-match': first.headers.get('etag') as string });
    expect(revalidated.status).toBe(304);
    expect(revalidated.text).toBe('');
    expect(revalidated.headers.get('etag')).toBe(first.headers.get('etag'));

    // A POST of the same query (Apollo Client's default) is the same entry.
    const posted = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: FRONT }) });
    expect(posted.headers.get('x-cache')).toBe('HIT');
    expect(await posted.text()).toBe(first.text);
  });

  it('serves automatic persisted queries over GET (the hash alone) from the cache', async () => {
    await f.makeArticle({ title: 'Rain' });
    const hash = createHash('sha256').update(FRONT).digest('hex');
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } });
    const byHash = () => fetch(`${t.url}/graphql?${new URLSearchParams({ extensions })}`);
    const unknown = await byHash();
    expect(((await unknown.json()) as Got['body']).errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(unknown.headers.get('cache-control')).toBe('private, no-store');
    // Registered (hash and text), then asked for by hash alone: the second time from the cache.
    await fetch(`${t.url}/graphql?${new URLSearchParams({ query: FRONT, extensions })}`);
    const registered = await byHash();
    expect(registered.status).toBe(200);
    expect(['MISS', 'HIT']).toContain(registered.headers.get('x-cache'));
    const again = await byHash();
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(titles({ body: (await again.json()) as Got['body'] } as Got)).toEqual(['Rain']);
  });

  it('refuses a mutation over GET with 405 and writes nothing', async () => {
    const author = await f.makeAuthor();
    const got = await get(t, `mutation { addComment(input: { articleId: "${randomUUID()}", authorName: "A", authorEmail: "a@example.com", body: "Hi" }) { comment { id } } }`);
    expect(got.status).toBe(405);
    expect(got.headers.get('cache-control')).toBe('private, no-store');
    const [{ count }] = await t.app.dataSource.query(`SELECT count(*)::int AS count FROM "comment"`);
    expect(count).toBe(0);
    expect(author.id).toBeDefined();
  });

  it('never keeps or marks public a response to a token, a viewer token, an error or a staff-only field', async () => {
    const article = await f.makeArticle({ title: 'Rain' });
    const editor = await t.staff(Role.EDITOR);

    const withToken = await get(t, FRONT, undefined, editor.headers);
    expect(withToken.headers.get('cache-control')).toBe('private, no-store');
    expect(withToken.headers.get('etag')).toBeNull();
    expect(withToken.headers.get('surrogate-key')).toBeNull();
    expect(withToken.headers.get('x-cache')).toBeNull();
    // An invalid token is not anonymous either.
    expect((await get(t, FRONT, undefined, { authorization: 'Bearer nope' })).headers.get('cache-control')).toBe('private, no-store');

    const viewerToken = `query ($slug: String!, $token: String) { article(slug: $slug) { comments(viewerToken: $token) { totalCount } } }`;
    const own = await get(t, viewerToken, { slug: article.slug, token: 'not-a-token-but-private-anyway' });
    expect(own.headers.get('cache-control')).toBe('private, no-store');

    const failing = await get(t, `{ articles(first: 1000) { totalCount } }`);
    expect(failing.body.errors?.length).toBeGreaterThan(0);
    expect(failing.headers.get('cache-control')).toBe('private, no-store');
    expect((await get(t, `{ articles(first: 1000) { totalCount } }`)).headers.get('x-cache')).toBeNull();

    const staffOnly = await get(t, `{ articles(first: 1) { totalCount } viewer { name } }`);
    expect(staffOnly.headers.get('cache-control')).toBe('private, no-store');
    const count = t.app.responseCache?.memoryFill().entries;
    expect(count).toBe(0);
  });

  it('gives view-driven lists a short life, and a field-level hint lowers the whole response', async () => {
    await f.makeArticle();
    expect((await get(t, `{ popularArticles { rank } }`)).headers.get('cache-control')).toBe('public, max-age=30, s-maxage=30, stale-while-revalidate=30');
    expect((await get(t, `{ articles(first: 1) { edges { node { title viewCount } } } }`)).headers.get('cache-control')).toBe(
      'public, max-age=60, s-maxage=60, stale-while-revalidate=60',
    );
  });

  it('publishing into section S purges the front page and S, and not tag T, another section, or another article', async () => {
    const editor = await t.staff(Role.EDITOR);
    const author = await f.makeAuthor({ slug: 'ann', name: 'Ann' });
    const [world, sport] = [await f.makeSection({ slug: 'world', name: 'World' }), await f.makeSection({ slug: 'sport', name: 'Sport' })];
    const [storms, cricket] = [await f.makeTag({ slug: 'storms', name: 'Storms' }), await f.makeTag({ slug: 'cricket', name: 'Cricket' })];
    const other = await f.makeArticle({ title: 'Test match', section: sport, tags: [cricket], author });
    await f.makeArticle({ title: 'Flood', section: world, tags: [storms], author });

    const reads = {
      front: () => get(t, FRONT),
      world: () => get(t, BY_SECTION, { section: 'world' }),
      sport: () => get(t, BY_SECTION, { section: 'sport' }),
      cricket: () => get(t, BY_TAG, { tag: 'cricket' }),
      otherPage: () => get(t, PAGE, { slug: other.slug }),
    };
    for (const read of Object.values(reads)) expect((await read()).headers.get('x-cache')).toBe('MISS');
    for (const read of Object.values(reads)) expect((await read()).headers.get('x-cache')).toBe('HIT');

    // A draft is nobody's news: creating and editing one purges nothing.
    const created = await t.gql(
      `mutation ($input: CreateArticleInput!) { createArticle(input: $input) { id version } }`,
      { input: { title: 'Hail', body: '<p>Hail.</p>', authorId: author.id, sectionId: world.id, tagIds: [storms.id] } },
      editor.headers,
    );
    const draft = created.body.data?.createArticle;
    for (const read of Object.values(reads)) expect((await read()).headers.get('x-cache')).toBe('HIT');

    const purgesBefore = t.app.responseCache?.counters.purges;
    await t.gql(`mutation ($id: ID!) { publishArticle(id: $id) { id } }`, { id: draft.id }, editor.headers);
    expect(t.app.responseCache?.counters.purges).toBe((purgesBefore ?? 0) + 1);

    const front = await reads.front();
    expect(front.headers.get('x-cache')).toBe('MISS');
    expect(titles(front)).toContain('Hail');
    const inWorld = await reads.world();
    expect(inWorld.headers.get('x-cache')).toBe('MISS');
    expect(titles(inWorld)).toEqual(['Hail', 'Flood']);
    expect((await reads.sport()).headers.get('x-cache')).toBe('HIT');
    expect((await reads.cricket()).headers.get('x-cache')).toBe('HIT');
    expect((await reads.otherPage()).headers.get('x-cache')).toBe('HIT');

    // The storms tag list was not cached before; cached now, then the title edit purges it (it holds the article).
    expect(titles(await get(t, BY_TAG, { tag: 'storms' }))).toEqual(['Hail', 'Flood']);
    await t.gql(`mutation ($input: UpdateArticleInput!) { updateArticle(input: $input) { id } }`, { input: { id: draft.id, version: draft.version + 1, title: 'Hailstorm' } }, editor.headers);
    const storm = await get(t, BY_TAG, { tag: 'storms' });
    expect(storm.headers.get('x-cache')).toBe('MISS');
    expect(titles(storm)).toEqual(['Hailstorm', 'Flood']);
    expect((await reads.cricket()).headers.get('x-cache')).toBe('HIT');

    // Unpublished: gone from every list at once, other lists untouched.
    await t.gql(`mutation ($id: ID!) { unpublishArticle(id: $id) { id } }`, { id: draft.id }, editor.headers);
    expect(titles(await reads.world())).toEqual(['Flood']);
    expect(titles(await reads.front())).not.toContain('Hailstorm');
    expect((await reads.sport()).headers.get('x-cache')).toBe('HIT');
  });

  it('approving a comment purges that article’s thread and counts only', async () => {
    const editor = await t.staff(Role.EDITOR);
    const [a, b] = [await f.makeArticle({ title: 'A' }), await f.makeArticle({ title: 'B' })];
    const pending = await f.makeComment(a, { status: CommentStatus.PENDING, body: 'First!' });
    const counts = `{ articles { edges { node { title commentCount } } } }`;
    for (const read of [() => get(t, PAGE, { slug: a.slug }), () => get(t, PAGE, { slug: b.slug }), () => get(t, counts), () => get(t, FRONT)]) await read();

    await t.gql(`mutation ($id: ID!) { moderateComment(id: $id, action: APPROVE) { id } }`, { id: pending.id }, editor.headers);

    const pageA = await get(t, PAGE, { slug: a.slug });
    expect(pageA.headers.get('x-cache')).toBe('MISS');
    expect(pageA.body.data?.article).toMatchObject({ commentCount: 1, comments: { edges: [{ node: { body: 'First!' } }] } });
    const withCounts = await get(t, counts);
    expect(withCounts.headers.get('x-cache')).toBe('MISS');
    expect(withCounts.body.data?.articles.edges.find((edge: any) => edge.node.title === 'A').node.commentCount).toBe(1);
    expect((await get(t, PAGE, { slug: b.slug })).headers.get('x-cache')).toBe('HIT');
    // The front page shows no counts: untouched.
    expect((await get(t, FRONT)).headers.get('x-cache')).toBe('HIT');
  });

  it('a scheduled article going live purges the lists it joins at that moment, not when they expire', async () => {
    const editor = await t.staff(Role.EDITOR);
    const world = await f.makeSection({ slug: 'world', name: 'World' });
    await f.makeArticle({ title: 'Already out', section: world });
    const soon = await f.makeArticle({ title: 'Embargoed', section: world, status: ArticleStatus.DRAFT });
    const publishAt = new Date(Date.now() + 1_500);
    await t.gql(`mutation ($id: ID!, $at: DateTimeISO!) { scheduleArticle(id: $id, publishAt: $at) { id } }`, { id: soon.id, at: publishAt.toISOString() }, editor.headers);
    t.app.scheduledPublications.start();
    try {
      expect(titles(await get(t, BY_SECTION, { section: 'world' }))).toEqual(['Already out']);
      expect((await get(t, BY_SECTION, { section: 'world' })).headers.get('x-cache')).toBe('HIT');
      await new Promise((resolve) => setTimeout(resolve, publishAt.getTime() - Date.now() + 400));
      const after = await get(t, BY_SECTION, { section: 'world' });
      expect(after.headers.get('x-cache')).toBe('MISS');
      expect(titles(after)).toEqual(['Embargoed', 'Already out']);
    } finally {
      await t.app.scheduledPublications.stop();
    }
  });

  it('purges "More like this" when an article that can join it is published, and reads ids in any case', async () => {
    const editor = await t.staff(Role.EDITOR);
    const storms = await f.makeTag({ slug: 'storms', name: 'Storms' });
    const a = await f.makeArticle({ title: 'A', tags: [storms] });
    const b = await f.makeArticle({ title: 'B', tags: [storms], status: ArticleStatus.DRAFT });
    const related = `query ($slug: String!) { article(slug: $slug) { relatedArticles { article { title } } } }`;
    expect((await get(t, related, { slug: a.slug })).body.data?.article.relatedArticles).toEqual([]);
    const upper = `query ($id: ID!) { article(id: $id) { title } }`;
    expect((await get(t, upper, { id: b.id.toUpperCase() })).body.data?.article).toBeNull();
    await t.gql(`mutation ($id: ID!) { publishArticle(id: $id) { id } }`, { id: b.id }, editor.headers);
    expect((await get(t, related, { slug: a.slug })).body.data?.article.relatedArticles).toEqual([{ article: { title: 'B' } }]);
    expect((await get(t, upper, { id: b.id.toUpperCase() })).body.data?.article).toEqual({ title: 'B' });
  });

  it('leaves requests Apollo refuses to Apollo: a repeated parameter, a null for a defaulted non-null variable', async () => {
    await f.makeArticle();
    await get(t, FRONT);
    const repeated = await fetch(`${t.url}/graphql?${new URLSearchParams([['query', FRONT], ['query', '{ __typename }']])}`);
    expect(repeated.status).toBe(400);
    const nulled = await get(t, `query ($s: String! = "x") { author(slug: $s) { name } }`, { s: null });
    expect(nulled.status).toBeLessThan(500);
    expect(nulled.headers.get('cache-control')).toBe('private, no-store');
  });

  it('runs the SQL once for concurrent identical misses', async () => {
    for (let i = 0; i < 5; i++) await f.makeArticle();
    // Learned once (a query's kind), then purged: the next misses are the concurrent ones.
    await get(t, FRONT);
    await t.app.responseCache?.clear();
    const alone = t.app.sqlStatements.total;
    await get(t, FRONT);
    const statementsForOne = t.app.sqlStatements.total - alone;
    expect(statementsForOne).toBeGreaterThan(0);
    await t.app.responseCache?.clear();

    const before = t.app.sqlStatements.total;
    const answers = await Promise.all(Array.from({ length: 12 }, () => get(t, FRONT)));
    expect(t.app.sqlStatements.total - before).toBe(statementsForOne);
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
  });

  it('does not keep an answer read before a purge that happened while it was being read', async () => {
    const world = await f.makeSection({ slug: 'world', name: 'World' });
    const article = await f.makeArticle({ title: 'Old title', section: world });
    const cache = t.app.responseCache;
    if (!cache) throw new Error('the response cache is on in this suite');
    // A fill that reads, then sees a purge of its own tag land before it stores.
    const filled = await cache.fill(
      'race-key',
      async () => {
        await cache.purge([`article:${article.id}`]);
        const now = Date.now();
        return {
          keep: true,
          response: { status: 200, contentType: 'application/json', body: '{}', etag: '"x"', cacheControl: 'public', tags: [`article:${article.id}`], storedAt: now, freshUntil: now + 60_000, staleUntil: now + 60_000 },
        };
      },
      true,
    );
    expect(filled.keep).toBe(true);
    expect((await cache.lookup('race-key')).state).toBe('miss');
    // A fill begun before a purge is not joined by requests that come after it.
    let release = () => {};
    const slow = cache.fill('join-key', () => new Promise<Filled>((resolve) => (release = () => resolve({ keep: false, response: { body: 'old' } as CachedResponse }))), true);
    await cache.purge(['anything']);
    const fresh = await cache.fill('join-key', async (): Promise<Filled> => ({ keep: false, response: { body: 'new' } as CachedResponse }), true);
    release();
    expect((await slow).response.body).toBe('old');
    expect(fresh.response.body).toBe('new');
  });
});

describe('stale-while-revalidate', () => {
  const { t, f } = useTestApp({ RESPONSE_CACHE: 'true', CACHE_SHARED_MAX_AGE: '1', CACHE_STALE_WHILE_REVALIDATE: '30' });

  it('serves the stale copy to everyone while exactly one refresh runs', async () => {
    await f.makeArticle({ title: 'One' });
    expect((await get(t, FRONT)).headers.get('x-cache')).toBe('MISS');
    await f.makeArticle({ title: 'Two' }); // straight into the database: nothing purges
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const fills = t.app.responseCache?.counters.fills ?? 0;
    const answers = await Promise.all(Array.from({ length: 8 }, () => get(t, FRONT)));
    // The first is served stale at once; the rest get the stale copy or, once the refresh has landed, the new one.
    expect(answers[0].headers.get('x-cache')).toBe('STALE');
    for (const got of answers) {
      expect([`STALE One`, `HIT Two,One`]).toContain(`${got.headers.get('x-cache')} ${titles(got).join()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.app.responseCache?.counters.fills).toBe(fills + 1);
    const refreshed = await get(t, FRONT);
    expect(refreshed.headers.get('x-cache')).toBe('HIT');
    expect(titles(refreshed)).toEqual(['Two', 'One']);
  });
});

const redisUrl = process.env.TEST_REDIS_URL;
(redisUrl ? describe : describe.skip)('two instances sharing Redis (TEST_REDIS_URL)', () => {
  const env = { RESPONSE_CACHE: 'true', REDIS_URL: redisUrl as string, REDIS_KEY_PREFIX: `masthead-test-${randomUUID()}:` };
  const { t: a, f } = useTestApp(env);
  let b: TestApp;
  beforeAll(async () => {
    b = await startTestApp(env);
  });
  afterAll(() => b?.close());
  beforeEach(() => b.app.responseCache?.clear());

  it('shares entries, and a publish on one instance purges the other exactly', async () => {
    const editor = await a.staff(Role.EDITOR);
    const [world, sport] = [await f.makeSection({ slug: 'world', name: 'World' }), await f.makeSection({ slug: 'sport', name: 'Sport' })];
    const cricket = await f.makeTag({ slug: 'cricket', name: 'Cricket' });
    await f.makeArticle({ title: 'Test match', section: sport, tags: [cricket] });
    const draft = await f.makeArticle({ title: 'Storm', section: world, status: ArticleStatus.DRAFT });

    expect((await get(a, BY_SECTION, { section: 'world' })).headers.get('x-cache')).toBe('MISS');
    expect((await get(a, BY_TAG, { tag: 'cricket' })).headers.get('x-cache')).toBe('MISS');
    // Instance b never ran these: Redis has them.
    expect((await get(b, BY_SECTION, { section: 'world' })).headers.get('x-cache')).toBe('HIT');
    expect((await get(b, BY_TAG, { tag: 'cricket' })).headers.get('x-cache')).toBe('HIT');

    await b.gql(`mutation ($id: ID!) { publishArticle(id: $id) { id } }`, { id: draft.id }, editor.headers);
    // Pub/sub reaches a's memory in a moment.
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const instance of [a, b]) {
      const world = await get(instance, BY_SECTION, { section: 'world' });
      expect(titles(world)).toEqual(['Storm']);
      expect((await get(instance, BY_TAG, { tag: 'cricket' })).headers.get('x-cache')).toBe('HIT');
    }
    expect(a.app.responseCache?.counters.hits).toBeGreaterThan(0);
  });
});

describe('cached answers and a CORS allow-list', () => {
  const { t, f } = useTestApp({ RESPONSE_CACHE: 'true', CORS_ORIGINS: 'https://news.example.com' });

  it('answers each origin as the cors rules say, from the cache or not', async () => {
    await f.makeArticle({ title: 'Rain' });
    await get(t, FRONT);
    const allowed = await get(t, FRONT, undefined, { origin: 'https://news.example.com' });
    expect(allowed.headers.get('x-cache')).toBe('HIT');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://news.example.com');
    const other = await get(t, FRONT, undefined, { origin: 'https://evil.example' });
    expect(other.headers.get('x-cache')).toBe('HIT');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // No Origin at all (a CDN, a server): the fast path, which says the answer varies by Origin.
    const plain = await get(t, FRONT);
    expect(plain.headers.get('vary')).toMatch(/Origin/);
    expect(plain.headers.get('vary')).toMatch(/Accept/);
  });
});
