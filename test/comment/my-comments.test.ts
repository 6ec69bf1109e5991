import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { VIEWER_TOKEN_AUDIENCE, viewerTokenKey } from '../../src/comment/viewer-token';
import { errorCodes, useTestApp, type TestApp } from '../setup/harness';

const ADD = `mutation ($input: AddCommentInput!) { addComment(input: $input) { viewerToken comment { id status body } } }`;
const EDIT = `mutation ($input: EditMyCommentInput!) { editMyComment(input: $input) { id body status editedAt } }`;
const DELETE = `mutation ($id: ID!, $token: String!) { deleteMyComment(commentId: $id, viewerToken: $token) { commentId } }`;
const MINE = `query ($token: String!) { myComments(viewerToken: $token) { totalCount edges { node { id body status } } } }`;

let reader = 0;
async function postAs(t: TestApp, articleId: string, overrides: Record<string, unknown> = {}) {
  reader += 1;
  const response = await t.gql(
    ADD,
    { input: { articleId, authorName: `Reader ${reader}`, authorEmail: `mine${reader}@example.com`, body: `Mine ${reader}`, ...overrides } },
    { 'x-forwarded-for': `10.1.0.${reader}` },
  );
  expect(response.body.errors).toBeUndefined();
  return response.body.data?.addComment as { viewerToken: string; comment: { id: string; status: string; body: string } };
}

describe('a reader with a viewer token', () => {
  const { t, f } = useTestApp({ TRUST_PROXY: 'true', COMMENT_DEFAULT_STATUS: 'APPROVED' });

  it('edits their comment within the window; it is moderated again', async () => {
    const article = await f.makeArticle();
    const { comment, viewerToken } = await postAs(t, article.id);
    expect(comment.status).toBe('APPROVED');
    const plain = await t.gql(EDIT, { input: { commentId: comment.id, body: '  Corrected.  ', viewerToken } });
    expect(plain.body.data?.editMyComment).toMatchObject({ id: comment.id, body: 'Corrected.', status: 'APPROVED' });
    expect(plain.body.data?.editMyComment.editedAt).toEqual(expect.any(String));
    const linky = await t.gql(EDIT, { input: { commentId: comment.id, body: 'See https://a.example and https://b.example', viewerToken } });
    expect(linky.body.data?.editMyComment.status).toBe('PENDING');
  });

  it("cannot change someone else's comment", async () => {
    const article = await f.makeArticle();
    const theirs = await postAs(t, article.id);
    const mine = await postAs(t, article.id);
    const attempt = await t.gql(EDIT, { input: { commentId: theirs.comment.id, body: 'Hijacked', viewerToken: mine.viewerToken } });
    expect(errorCodes(attempt)).toEqual(['FORBIDDEN']);
    expect(errorCodes(await t.gql(DELETE, { id: theirs.comment.id, token: mine.viewerToken }))).toEqual(['FORBIDDEN']);
    const [{ body }] = await t.app.dataSource.query(`SELECT "body" FROM "comment" WHERE "id" = $1`, [theirs.comment.id]);
    expect(body).toBe(theirs.comment.body);
  });

  it('deletes their comment: it leaves the thread and their list', async () => {
    const article = await f.makeArticle();
    const { comment, viewerToken } = await postAs(t, article.id);
    expect((await t.gql(DELETE, { id: comment.id, token: viewerToken })).body.data).toEqual({ deleteMyComment: { commentId: comment.id } });
    expect((await t.gql(MINE, { token: viewerToken })).body.data?.myComments).toEqual({ totalCount: 0, edges: [] });
    expect((await t.gql(`query ($id: ID) { article(id: $id) { commentCount } }`, { id: article.id })).body.data?.article.commentCount).toBe(0);
    expect(errorCodes(await t.gql(DELETE, { id: comment.id, token: viewerToken }))).toEqual(['NOT_FOUND']);
  });

  it('keeps one viewer token across comments when sending it back', async () => {
    const article = await f.makeArticle();
    const first = await postAs(t, article.id);
    await postAs(t, article.id, { viewerToken: first.viewerToken });
    expect((await t.gql(MINE, { token: first.viewerToken })).body.data?.myComments.totalCount).toBe(2);
  });

  it('is refused with a forged, malformed or expired token, changing nothing', async () => {
    const article = await f.makeArticle();
    const { comment } = await postAs(t, article.id);
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(randomUUID()).setAudience(VIEWER_TOKEN_AUDIENCE).setExpirationTime('1d').sign(viewerTokenKey('another-secret-another-secret-12345'));
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(randomUUID())
      .setAudience(VIEWER_TOKEN_AUDIENCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(viewerTokenKey('test-secret-test-secret-test-secret-0123'));
    expect(errorCodes(await t.gql(EDIT, { input: { commentId: comment.id, body: 'x', viewerToken: forged } }))).toEqual(['INVALID_TOKEN']);
    expect(errorCodes(await t.gql(EDIT, { input: { commentId: comment.id, body: 'x', viewerToken: 'not.a.token' } }))).toEqual(['INVALID_TOKEN']);
    expect(errorCodes(await t.gql(MINE, { token: expired }))).toEqual(['TOKEN_EXPIRED']);
    const postWithExpired = await t.gql(
      ADD,
      { input: { articleId: article.id, authorName: 'X', authorEmail: 'x9@example.com', body: 'x', viewerToken: expired } },
      { 'x-forwarded-for': '10.1.9.9' },
    );
    expect(errorCodes(postWithExpired)).toEqual(['TOKEN_EXPIRED']);
    expect(await t.app.dataSource.query(`SELECT 1 FROM "comment" WHERE "author_email" = 'x9@example.com'`)).toEqual([]);
    const [{ body }] = await t.app.dataSource.query(`SELECT "body" FROM "comment" WHERE "id" = $1`, [comment.id]);
    expect(body).toBe(comment.body);
  });
});

describe('after the edit window', () => {
  const { t, f } = useTestApp({ TRUST_PROXY: 'true', COMMENT_EDIT_MINUTES: '0' });

  it('no longer lets the reader edit or delete', async () => {
    const article = await f.makeArticle();
    const { comment, viewerToken } = await postAs(t, article.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const edit = await t.gql(EDIT, { input: { commentId: comment.id, body: 'Too late', viewerToken } });
    expect(errorCodes(edit)).toEqual(['FORBIDDEN']);
    expect(edit.body.errors?.[0].message).toMatch(/0 minutes after posting/);
    expect(errorCodes(await t.gql(DELETE, { id: comment.id, token: viewerToken }))).toEqual(['FORBIDDEN']);
  });
});
