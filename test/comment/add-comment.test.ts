import fc from 'fast-check';
import { ArticleStatus } from '../../src/article/article.entity';
import { CommentStatus } from '../../src/comment/comment.entity';
import { errorCodes, useTestApp, type GraphQLResponse } from '../setup/harness';

// TRUST_PROXY lets each test speak for distinct readers through X-Forwarded-For, as a CDN would.
const { t, f } = useTestApp({ TRUST_PROXY: 'true', COMMENT_BLOCKED_WORDS: 'casino,cheap pills' });

const ADD = `mutation ($input: AddCommentInput!) {
  addComment(input: $input) { viewerToken comment { id status authorName authorUrl body depth createdAt parent { id } } }
}`;

let reader = 0;
/** A distinct reader each time (address and e-mail), so flood limits only bite where a test wants them to. */
function someone(overrides: Record<string, unknown> = {}) {
  reader += 1;
  return { ip: `10.0.${Math.floor(reader / 250)}.${reader % 250}`, input: { authorName: `Reader ${reader}`, authorEmail: `reader${reader}@example.com`, body: `Comment ${reader}`, ...overrides } };
}

function post(articleId: string, overrides: Record<string, unknown> = {}, ip?: string): Promise<GraphQLResponse> {
  const who = someone(overrides);
  return t.gql(ADD, { input: { articleId, ...who.input } }, { 'x-forwarded-for': ip ?? who.ip });
}

async function storedComments(): Promise<{ body: string; status: string; author_name: string; author_email: string; ip_hash: string | null }[]> {
  return t.app.dataSource.query(`SELECT "body", "status", "author_name", "author_email", "ip_hash" FROM "comment" ORDER BY "created_at"`);
}

const THREAD = `query ($id: ID, $token: String) { article(id: $id) { commentCount comments(viewerToken: $token) { edges { node { id body status } } } } }`;

describe('addComment', () => {
  it('posts a comment held for moderation, which only its poster sees, through the viewer token', async () => {
    const article = await f.makeArticle();
    const response = await post(article.id, { authorName: '  Ada  ', body: '  First thoughts.\nSecond line.  ', authorUrl: 'https://ada.example.org/' });
    expect(response.body.errors).toBeUndefined();
    const { comment, viewerToken } = response.body.data?.addComment ?? {};
    expect(comment).toMatchObject({ status: 'PENDING', authorName: 'Ada', body: 'First thoughts.\nSecond line.', authorUrl: 'https://ada.example.org/', depth: 0, parent: null });
    expect(typeof viewerToken).toBe('string');

    const publicView = await t.gql(THREAD, { id: article.id });
    expect(publicView.body.data?.article).toEqual({ commentCount: 0, comments: { edges: [] } });
    const ownView = await t.gql(THREAD, { id: article.id, token: viewerToken });
    expect(ownView.body.data?.article.comments.edges).toEqual([{ node: { id: comment.id, body: 'First thoughts.\nSecond line.', status: 'PENDING' } }]);
    const mine = await t.gql(`query ($token: String!) { myComments(viewerToken: $token) { totalCount edges { node { id status } } } }`, { token: viewerToken });
    expect(mine.body.data?.myComments).toEqual({ totalCount: 1, edges: [{ node: { id: comment.id, status: 'PENDING' } }] });

    const [stored] = await storedComments();
    expect(stored.ip_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain('10.0.');
  });

  it('replies to an approved comment, one level deeper, and refuses other parents', async () => {
    const article = await f.makeArticle();
    const other = await f.makeArticle();
    const approved = await f.makeComment(article);
    const pending = await f.makeComment(article, { status: CommentStatus.PENDING });
    const elsewhere = await f.makeComment(other);

    const reply = await post(article.id, { parentId: approved.id });
    expect(reply.body.data?.addComment.comment).toMatchObject({ depth: 1, parent: { id: approved.id } });
    for (const parentId of [pending.id, elsewhere.id, '00000000-0000-4000-8000-000000000000']) {
      const refused = await post(article.id, { parentId });
      expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.body.errors?.[0].extensions?.field).toBe('parentId');
    }
    expect(await storedComments()).toHaveLength(4);
  });

  it('caps the depth of replies at COMMENT_MAX_DEPTH (5)', async () => {
    const article = await f.makeArticle();
    let parent = await f.makeComment(article);
    for (let depth = 1; depth <= 4; depth++) parent = await f.makeComment(article, { parent, depth });
    expect((await post(article.id, { parentId: parent.id })).body.data?.addComment.comment.depth).toBe(5);
    const deepest = await f.makeComment(article, { parent, depth: 5 });
    const refused = await post(article.id, { parentId: deepest.id });
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.body.errors?.[0].message).toMatch(/at most 5 deep/);
  });

  it('refuses articles that are missing, unpublished or closed, and ids that are not ids', async () => {
    const draft = await f.makeArticle({ status: ArticleStatus.DRAFT });
    const closed = await f.makeArticle({ commentsOpen: false });
    expect(errorCodes(await post('00000000-0000-4000-8000-000000000000'))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await post(draft.id))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await post(closed.id))).toEqual(['COMMENTS_CLOSED']);
    expect(errorCodes(await post('not-an-id'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await post(closed.id, { parentId: 'nope' }))).toEqual(['BAD_USER_INPUT']);
    expect(await storedComments()).toHaveLength(0);
  });

  describe('validation', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['an empty name', { authorName: '' }, /Please enter your name/],
      ['a name of spaces', { authorName: '   ' }, /Please enter your name/],
      ['a name of 246 characters', { authorName: 'n'.repeat(246) }, /at most 245/],
      ['a name with a line break', { authorName: 'Ada\nLovelace' }, /not allowed/],
      ['an empty e-mail address', { authorEmail: '' }, /e-mail address/],
      ['an invalid e-mail address', { authorEmail: 'ada@' }, /valid e-mail address/],
      ['two e-mail addresses', { authorEmail: 'a@x.com,b@y.com' }, /valid e-mail address/],
      ['an e-mail address of 101 characters', { authorEmail: `${'a'.repeat(89)}@example.com` }, /at most 100/],
      ['an empty comment', { body: '' }, /Please enter your comment/],
      ['a comment of spaces and line breaks', { body: ' \n\t ' }, /Please enter your comment/],
      ['a comment of 10,001 characters', { body: 'b'.repeat(10_001) }, /at most 10000/],
      ['a NUL character', { body: 'hello\u0000world' }, /not allowed/],
      ['an escape character', { body: 'hello\u001b[31m' }, /not allowed/],
      ['a C1 control character', { authorName: 'Ada\u0085Lovelace' }, /not allowed/],
      ['a javascript: URL', { authorUrl: 'javascript:alert(1)' }, /http/],
      ['an ftp URL', { authorUrl: 'ftp://files.example.com' }, /http/],
      ['a URL of 201 characters', { authorUrl: `https://example.com/${'p'.repeat(181)}` }, /at most 200/],
      ['a malformed idempotency key', { idempotencyKey: 'has spaces' }, /idempotencyKey/],
    ];
    it.each(cases)('refuses %s with a message a person can act on, storing nothing', async (_name, overrides, message) => {
      const article = await f.makeArticle();
      const response = await post(article.id, overrides);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors?.[0].message).toMatch(message);
      expect(await storedComments()).toHaveLength(0);
    });

    it('treats an empty website field as none, and trims a website', async () => {
      const article = await f.makeArticle();
      expect((await post(article.id, { authorUrl: '' })).body.data?.addComment.comment.authorUrl).toBeNull();
      expect((await post(article.id, { authorUrl: '  https://ada.example  ' })).body.data?.addComment.comment.authorUrl).toBe('https://ada.example');
    });

    it('accepts every limit exactly at its edge', async () => {
      const article = await f.makeArticle();
      const response = await post(article.id, {
        authorName: 'n'.repeat(245),
        authorEmail: `${'a'.repeat(30)}@${'d'.repeat(57)}.example.com`, // 100 characters; a local part may not pass 64
        body: `b${' word'.repeat(1_999)}`.padEnd(10_000, 'x'),
        authorUrl: `https://example.com/${'p'.repeat(180)}`,
      });
      expect(response.body.errors).toBeUndefined();
      const [stored] = await storedComments();
      expect([stored.author_name.length, stored.author_email.length, stored.body.length]).toEqual([245, 100, 10_000]);
    });
  });

  describe('moderation policy', () => {
    it('holds a comment with two links, even from a trusted address', async () => {
      const article = await f.makeArticle();
      await f.makeComment(article, { authorEmail: 'known@example.com' });
      const response = await post(article.id, { authorEmail: 'known@example.com', body: 'See https://a.example and www.b.example' });
      expect(response.body.data?.addComment.comment.status).toBe('PENDING');
    });

    it('approves at once an address with an earlier approved comment, whatever its case', async () => {
      const article = await f.makeArticle();
      await f.makeComment(article, { authorEmail: 'Known@Example.com' });
      const response = await post(article.id, { authorEmail: 'known@example.COM', body: 'One link is fine: https://a.example' });
      expect(response.body.data?.addComment.comment.status).toBe('APPROVED');
      expect((await t.gql(THREAD, { id: article.id })).body.data?.article.commentCount).toBe(2);
    });

    it('files a comment with a blocked word as spam, matching whole words only', async () => {
      const article = await f.makeArticle();
      expect((await post(article.id, { body: 'Best CASINO bonuses here' })).body.data?.addComment.comment.status).toBe('SPAM');
      expect((await post(article.id, { body: 'Casinovia is a town in the valley' })).body.data?.addComment.comment.status).toBe('PENDING');
    });

    it('counts a link once however it is written', async () => {
      const article = await f.makeArticle();
      await f.makeComment(article, { authorEmail: 'linker@example.com' });
      const response = await post(article.id, { authorEmail: 'linker@example.com', body: 'Source: https://www.example.org/report' });
      expect(response.body.data?.addComment.comment.status).toBe('APPROVED');
    });

    it('answers a filled honeypot like success but files the comment as spam, invisible even to its poster', async () => {
      const article = await f.makeArticle();
      // A trusted address, so the answer a person would get (APPROVED) differs from the default.
      await f.makeComment(article, { authorEmail: 'bot@example.com' });
      const response = await post(article.id, { authorEmail: 'bot@example.com', honeypot: 'http://bot.example' });
      expect(response.body.errors).toBeUndefined();
      const { comment, viewerToken } = response.body.data?.addComment ?? {};
      expect(comment.status).toBe('APPROVED');
      expect((await storedComments()).map((stored) => stored.status)).toEqual(['APPROVED', 'SPAM']);
      const seen = (await t.gql(THREAD, { id: article.id, token: viewerToken })).body.data?.article.comments.edges.map((edge: any) => edge.node.id);
      expect(seen).toHaveLength(1);
      expect(seen).not.toContain(comment.id);
    });
  });

  describe('duplicates and floods', () => {
    it('refuses the same comment twice (same article, parent, address and text) and stores it once', async () => {
      const article = await f.makeArticle();
      const first = someone({ body: 'Great piece.' });
      expect((await t.gql(ADD, { input: { articleId: article.id, ...first.input } }, { 'x-forwarded-for': first.ip })).body.errors).toBeUndefined();
      const again = await t.gql(ADD, { input: { articleId: article.id, ...first.input, authorEmail: first.input.authorEmail.toUpperCase() } }, { 'x-forwarded-for': '10.9.9.9' });
      expect(errorCodes(again)).toEqual(['DUPLICATE_COMMENT']);
      expect(await storedComments()).toHaveLength(1);
    });

    it('limits one comment per client address within 15 seconds, with the wait in retryAfterSeconds', async () => {
      const article = await f.makeArticle();
      expect((await post(article.id, {}, '10.200.0.1')).body.errors).toBeUndefined();
      const flood = await post(article.id, {}, '10.200.0.1');
      expect(errorCodes(flood)).toEqual(['RATE_LIMITED']);
      expect(flood.body.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(flood.body.errors?.[0].extensions?.retryAfterSeconds).toBeLessThanOrEqual(15);
      expect((await post(article.id, {}, '10.200.0.2')).body.errors).toBeUndefined();
      expect(await storedComments()).toHaveLength(2);
    });

    it('limits one comment per e-mail address within 15 seconds, whatever the client address', async () => {
      const article = await f.makeArticle();
      expect((await post(article.id, { authorEmail: 'busy@example.com' })).body.errors).toBeUndefined();
      expect(errorCodes(await post(article.id, { authorEmail: 'busy@example.com', body: 'And another thing' }))).toEqual(['RATE_LIMITED']);
      expect(await storedComments()).toHaveLength(1);
    });

    it('counts nothing for a refused comment: the same client may post at once with another address', async () => {
      const article = await f.makeArticle();
      expect((await post(article.id, { authorEmail: 'first@example.com' }, '10.201.0.1')).body.errors).toBeUndefined();
      // Refused on the address limit, after the client's point was taken: the refusal must give that point back.
      expect(errorCodes(await post(article.id, { authorEmail: 'first@example.com', body: 'Second' }, '10.201.0.2'))).toEqual(['RATE_LIMITED']);
      expect((await post(article.id, { authorEmail: 'other@example.com' }, '10.201.0.2')).body.errors).toBeUndefined();
    });
  });

  describe('idempotency', () => {
    it('returns the first answer for a repeated key and stores one comment', async () => {
      const article = await f.makeArticle();
      const who = someone({ idempotencyKey: 'c0ffee-1' });
      const send = () => t.gql(ADD, { input: { articleId: article.id, ...who.input } }, { 'x-forwarded-for': who.ip });
      const first = await send();
      // Past a second boundary, so a re-signed token would differ if it were not the first one.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const again = await send();
      expect(again.body).toEqual(first.body);
      expect(await storedComments()).toHaveLength(1);
    });

    it('gives every one of 10 concurrent retries the same answer, storing one comment', async () => {
      const article = await f.makeArticle();
      const who = someone({ idempotencyKey: 'c0ffee-2' });
      const answers = await Promise.all(Array.from({ length: 10 }, () => t.gql(ADD, { input: { articleId: article.id, ...who.input } }, { 'x-forwarded-for': who.ip })));
      const ids = new Set(answers.map((answer) => answer.body.data?.addComment.comment.id));
      expect(answers.map((answer) => answer.body.errors)).toEqual(Array(10).fill(undefined));
      expect(ids.size).toBe(1);
      expect(await storedComments()).toHaveLength(1);
    });

    it('refuses the same key with different input', async () => {
      const article = await f.makeArticle();
      expect((await post(article.id, { idempotencyKey: 'c0ffee-3' })).body.errors).toBeUndefined();
      const reused = await post(article.id, { idempotencyKey: 'c0ffee-3', body: 'Something else entirely' });
      expect(errorCodes(reused)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
      expect(await storedComments()).toHaveLength(1);
    });
  });

  it('stores naughty strings exactly and returns them as data', async () => {
    const article = await f.makeArticle();
    const naughty = [
      '<script>alert("x")</script>',
      "Robert'); DROP TABLE comment;--",
      '👩🏽‍💻🇺🇦 emoji ✓',
      'مرحبا بالعالم — RTL \u202Ereversed\u202C',
      '"quoted" & \'single\' `back` \\ backslash',
      'Zoë Łukasik — 東京 — ﷽',
      '${{7*7}} {{constructor}} %s %n',
    ];
    const tokens: string[] = [];
    for (const text of naughty) {
      const response = await post(article.id, { authorName: text.slice(0, 40), body: text });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data?.addComment.comment.body).toBe(text);
      tokens.push(response.body.data?.addComment.viewerToken);
    }
    const stored = await storedComments();
    expect(stored.map((comment) => comment.body)).toEqual(naughty);
    const seen = await t.gql(`query ($token: String!) { myComments(viewerToken: $token) { edges { node { body authorName } } } }`, { token: tokens[0] });
    expect(seen.body.data?.myComments.edges[0].node).toEqual({ body: naughty[0], authorName: naughty[0].slice(0, 40) });
  });
});

describe('addComment with generated text (fast-check)', () => {
  // Anything a person could type: any Unicode, but no control characters, not blank, within the name limit.
  const typed = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 80 })
    .filter((text) => text.trim().length > 0 && text.trim().length <= 245 && !/[\u0000-\u001F\u007F]/.test(text)); // eslint-disable-line no-control-regex

  it('stores whatever readers type exactly (trimmed) and returns it as data, never a 500', async () => {
    const article = await f.makeArticle();
    await fc.assert(
      fc.asyncProperty(typed, typed, async (name, body) => {
        const response = await post(article.id, { authorName: name, body });
        expect(response.status).toBe(200);
        expect(response.body.errors).toBeUndefined();
        expect(response.body.data?.addComment.comment).toMatchObject({ authorName: name.trim(), body: body.trim() });
      }),
      { numRuns: 40, seed: 20261127 },
    );
  });
});

describe('addComment behind no trusted proxy', () => {
  const { t, f } = useTestApp();

  it('ignores X-Forwarded-For, so a client cannot dodge the flood limit by claiming other addresses', async () => {
    const article = await f.makeArticle();
    const send = (n: number) =>
      t.gql(ADD, { input: { articleId: article.id, authorName: 'R', authorEmail: `spoof${n}@example.com`, body: `Comment ${n}` } }, { 'x-forwarded-for': `203.0.113.${n}` });
    expect((await send(1)).body.errors).toBeUndefined();
    expect(errorCodes(await send(2))).toEqual(['RATE_LIMITED']);
  });
});
