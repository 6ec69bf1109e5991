import { errorCodes, useTestApp } from '../setup/harness';

const ADD = `mutation ($input: AddCommentInput!) { addComment(input: $input) { comment { id status } } }`;

const { t, f } = useTestApp({ TRUST_PROXY: 'true' });

/** Comment e-mail addresses follow the newsletter's rule: domain in punycode, the whole address compared lower-cased. */
describe('comment e-mail addresses', () => {
  const post = (articleId: string, authorEmail: string, body: string, ip: string) =>
    t.gql(ADD, { input: { articleId, authorName: 'Ada', authorEmail, body } }, { 'x-forwarded-for': ip });

  it('counts every spelling of one address against the per-address flood limit', async () => {
    const article = await f.makeArticle();
    expect(errorCodes(await post(article.id, 'Ada.Ö@Bücher.example', 'First', '10.41.0.1'))).toEqual([]);
    for (const [n, spelling] of ['ada.ö@xn--bcher-kva.example', 'ADA.Ö@BÜCHER.EXAMPLE', 'ada.Ö@XN--BCHER-KVA.example'].entries()) {
      expect(errorCodes(await post(article.id, spelling, `Again ${n}`, `10.41.0.${n + 2}`))).toEqual(['RATE_LIMITED']);
    }
  });

  it('refuses the same comment again from another spelling of the address', async () => {
    const article = await f.makeArticle();
    expect(errorCodes(await post(article.id, 'Ada@Bücher.example', 'Same words', '10.42.0.1'))).toEqual([]);
    expect(errorCodes(await post(article.id, 'ADA@xn--bcher-kva.EXAMPLE', 'Same words', '10.42.0.2'))).toEqual(['DUPLICATE_COMMENT']);
  });

  it('trusts an address with an approved comment under any spelling, and keeps the local part as typed', async () => {
    const article = await f.makeArticle();
    expect(errorCodes(await post(article.id, 'Jörg@Bücher.example', 'Approved one day', '10.43.0.1'))).toEqual([]);
    // An hour later, approved by a moderator (the flood window long over).
    await t.app.dataSource.query(`UPDATE "comment" SET "status" = 'APPROVED', "created_at" = now() - interval '1 hour'`);
    await t.app.dataSource.query(`DELETE FROM "rate_limit"`);
    const again = await post(article.id, 'JÖRG@xn--bcher-kva.example', 'Trusted now', '10.43.0.2');
    expect(again.body.data?.addComment.comment.status).toBe('APPROVED');
    expect(await t.app.dataSource.query(`SELECT "author_email" FROM "comment" ORDER BY "created_at"`)).toEqual([
      { author_email: 'Jörg@xn--bcher-kva.example' },
      { author_email: 'JÖRG@xn--bcher-kva.example' },
    ]);
  });
});
