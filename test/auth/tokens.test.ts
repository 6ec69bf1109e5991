import { Role } from '../../src/auth/role';
import { sha256Hex } from '../../src/shared/crypto';
import { errorCodes, useTestApp } from '../setup/harness';

const { t, f } = useTestApp();

const CREATE = `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id name role expiresAt revokedAt } } }`;
const VIEWER = `{ viewer { name role authorId } }`;

describe('API tokens', () => {
  it('lets an ADMIN issue a token that is shown once and stored only as a hash', async () => {
    const admin = await t.staff(Role.ADMIN, { name: 'Root' });
    const created = await t.gql(CREATE, { input: { name: 'Eda Editor', role: 'EDITOR', expiresInDays: 30 } }, admin.headers);
    const { token, apiToken } = created.body.data?.createApiToken ?? {};
    expect(token).toMatch(/^mst_[A-Za-z0-9_-]{43}$/);
    expect(apiToken).toMatchObject({ name: 'Eda Editor', role: 'EDITOR', revokedAt: null });
    const [row] = await t.app.dataSource.query(`SELECT * FROM "api_token" WHERE "id" = $1`, [apiToken.id]);
    expect(row.token_hash).toBe(sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const listed = await t.gql(`{ apiTokens { totalCount edges { node { name role } } } }`, {}, admin.headers);
    expect(JSON.stringify(listed.body)).not.toContain('mst_');
    expect((await t.gql(VIEWER, {}, { authorization: `Bearer ${token}` })).body.data?.viewer).toEqual({ name: 'Eda Editor', role: 'EDITOR', authorId: null });
  });

  it('records when a token was last used', async () => {
    const editor = await t.staff(Role.EDITOR);
    await t.gql(VIEWER, {}, editor.headers);
    const [{ last_used_at }] = await t.app.dataSource.query(`SELECT "last_used_at" FROM "api_token" WHERE "id" = $1`, [editor.tokenId]);
    expect(Date.now() - new Date(last_used_at).getTime()).toBeLessThan(10_000);
  });

  it('stops a revoked token at once', async () => {
    const admin = await t.staff(Role.ADMIN);
    const editor = await t.staff(Role.EDITOR);
    expect((await t.gql(VIEWER, {}, editor.headers)).body.data?.viewer.role).toBe('EDITOR');
    const revoked = await t.gql(`mutation ($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id: editor.tokenId }, admin.headers);
    expect(revoked.body.data?.revokeApiToken.revokedAt).toEqual(expect.any(String));
    const after = await t.gql(VIEWER, {}, editor.headers);
    expect(errorCodes(after)).toEqual(['UNAUTHENTICATED']);
    expect(after.body.errors?.[0].message).toMatch(/revoked/);
  });

  it('refuses an expired token, a malformed header and an unknown token', async () => {
    const expiring = await t.staff(Role.EDITOR, { expiresInDays: 1 });
    await t.app.dataSource.query(`UPDATE "api_token" SET "expires_at" = now() - interval '1 minute' WHERE "id" = $1`, [expiring.tokenId]);
    expect((await t.gql(VIEWER, {}, expiring.headers)).body.errors?.[0].message).toMatch(/expired/);
    expect(errorCodes(await t.gql(VIEWER, {}, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await t.gql(VIEWER, {}, { authorization: 'Bearer mst_unknown' }))).toEqual(['UNAUTHENTICATED']);
    expect((await t.gql(VIEWER)).body.data).toEqual({ viewer: null });
  });

  it('ties an AUTHOR token to a byline', async () => {
    const admin = await t.staff(Role.ADMIN);
    const author = await f.makeAuthor();
    expect(errorCodes(await t.gql(CREATE, { input: { name: 'No byline', role: 'AUTHOR' } }, admin.headers))).toEqual(['BAD_USER_INPUT']);
    const created = await t.gql(CREATE, { input: { name: 'Writer', role: 'AUTHOR', authorId: author.id } }, admin.headers);
    const token = created.body.data?.createApiToken.token;
    expect((await t.gql(VIEWER, {}, { authorization: `Bearer ${token}` })).body.data?.viewer).toEqual({ name: 'Writer', role: 'AUTHOR', authorId: author.id });
  });

  it('audits issuing and revoking', async () => {
    const admin = await t.staff(Role.ADMIN, { name: 'Root' });
    const created = await t.gql(CREATE, { input: { name: 'Temp', role: 'ANALYST' } }, admin.headers);
    await t.gql(`mutation ($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: created.body.data?.createApiToken.apiToken.id }, admin.headers);
    const log = await t.gql(`{ auditLog { edges { node { action actorName } } } }`, {}, admin.headers);
    expect(log.body.data?.auditLog.edges.map((edge: any) => edge.node)).toEqual([
      { action: 'token.revoke', actorName: 'Root' },
      { action: 'token.create', actorName: 'Root' },
      // Root's own token, issued the way `npm run token:create` issues the first one.
      { action: 'token.create', actorName: 'npm run token:create (server console)' },
    ]);
  });
});
