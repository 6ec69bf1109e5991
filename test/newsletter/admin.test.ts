import { Role } from '../../src/auth/role';
import { everyNode, useTestApp } from '../setup/harness';

const { t } = useTestApp({ TRUST_PROXY: 'true' });

describe('newsletter admin', () => {
  it('gives an ADMIN the subscribers with their addresses, by status, and the counts', async () => {
    for (const [i, email] of ['a@example.com', 'b@example.com', 'c@example.com'].entries()) {
      await t.gql(`mutation ($email: String!) { subscribeToNewsletter(input: { email: $email }) { status } }`, { email }, { 'x-forwarded-for': `10.7.0.${i}` });
    }
    await t.app.dataSource.query(`UPDATE "newsletter_subscription" SET "status" = 'CONFIRMED' WHERE "email" = 'b@example.com'`);
    const admin = await t.staff(Role.ADMIN);
    const all = await t.gql(`{ newsletterSubscribers(first: 2) { totalCount pageInfo { hasNextPage } edges { node { email status } } } }`, {}, admin.headers);
    expect(all.body.data?.newsletterSubscribers).toEqual({
      totalCount: 3,
      pageInfo: { hasNextPage: true },
      edges: [{ node: { email: 'a@example.com', status: 'PENDING' } }, { node: { email: 'b@example.com', status: 'CONFIRMED' } }],
    });
    const confirmed = await t.gql(`{ newsletterSubscribers(status: CONFIRMED) { totalCount edges { node { email } } } }`, {}, admin.headers);
    expect(confirmed.body.data?.newsletterSubscribers).toEqual({ totalCount: 1, edges: [{ node: { email: 'b@example.com' } }] });
    const stats = await t.gql(`{ newsletterStats { pending confirmed unsubscribed total } }`, {}, (await t.staff(Role.ANALYST)).headers);
    expect(stats.body.data?.newsletterStats).toEqual({ pending: 2, confirmed: 1, unsubscribed: 0, total: 3 });
  });

  it('pages through every subscriber oldest first, sign-ups in the same instant included, each exactly once', async () => {
    // Seven sign-ups, five of them in one instant, so the pages must break ties by id.
    await t.app.dataSource.query(
      `INSERT INTO "newsletter_subscription" ("email", "status", "unsubscribe_token_hash", "created_at")
       SELECT 'reader' || n || '@example.com', 'PENDING', md5(n::text) || md5(n::text), CASE WHEN n <= 5 THEN '2026-01-01T00:00:00Z'::timestamptz ELSE '2026-01-02T00:00:00Z'::timestamptz END
       FROM generate_series(1, 7) AS n`,
    );
    const admin = await t.staff(Role.ADMIN);
    const expected: { email: string }[] = await t.app.dataSource.query(`SELECT "email" FROM "newsletter_subscription" ORDER BY "created_at", "id"`);
    const seen = await everyNode(
      t,
      `query ($after: String) { newsletterSubscribers(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { email } } } }`,
      (data) => data.newsletterSubscribers,
      { headers: admin.headers },
    );
    expect(seen).toEqual(expected);
  });
});
