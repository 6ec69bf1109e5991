import { randomUUID } from 'node:crypto';
import { EmailCaseInsensitive1796398788311 } from '../../src/db/migrations/1796398788311-EmailCaseInsensitive';
import { sha256Hex } from '../../src/shared/crypto';
import { errorCodes, useTestApp } from '../setup/harness';

const { t } = useTestApp();

interface Row {
  email: string;
  status: 'PENDING' | 'CONFIRMED' | 'UNSUBSCRIBED';
  /** Minutes after the first sign-up. */
  at: number;
  /** Hours the confirmation link has left, for PENDING rows. */
  linkHours?: number;
}

/**
 * The migration that made addresses compare case-insensitively, run on sign-ups stored before it: it is taken back
 * (down), the old rows are written, and it runs again (up), as on a database that had them.
 */
describe('merging the case-duplicates of sign-ups stored before addresses compared case-insensitively', () => {
  const migration = new EmailCaseInsensitive1796398788311();

  async function migrateWith(rows: Row[]): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    const runner = t.app.dataSource.createQueryRunner();
    // In one transaction, as migrations run (each in its own): whatever happens, the schema is left as it was.
    await runner.startTransaction();
    try {
      await migration.down(runner);
      for (const row of rows) {
        const id = randomUUID();
        ids.set(row.email, id);
        await runner.query(
          `INSERT INTO "newsletter_subscription" ("id", "email", "status", "confirmation_token_hash", "confirmation_expires_at", "unsubscribe_token_hash", "created_at")
           VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5::int), $6, '2026-01-01T00:00:00Z'::timestamptz + make_interval(mins => $7::int))`,
          [id, row.email, row.status, row.linkHours ? sha256Hex(`link-${id}`) : null, row.linkHours ?? 0, sha256Hex(t.app.services.newsletter.unsubscribeToken(id)), row.at],
        );
      }
      await migration.up(runner);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
    return ids;
  }

  it('keeps the oldest confirmed row, else the pending one with the newest link, else the oldest; deterministically', async () => {
    const ids = await migrateWith([
      { email: 'Dup.One@example.com', status: 'PENDING', at: 0, linkHours: 40 },
      { email: 'dup.one@example.com', status: 'CONFIRMED', at: 1 },
      { email: 'DUP.ONE@example.com', status: 'CONFIRMED', at: 2 },
      { email: 'Dup.ONE@example.com', status: 'UNSUBSCRIBED', at: 3 },
      { email: 'pend@example.com', status: 'PENDING', at: 4, linkHours: 10 },
      { email: 'Pend@example.com', status: 'PENDING', at: 5, linkHours: 47 },
      { email: 'PEND@example.com', status: 'UNSUBSCRIBED', at: 6 },
      { email: 'gone@example.com', status: 'UNSUBSCRIBED', at: 7 },
      { email: 'GONE@example.com', status: 'UNSUBSCRIBED', at: 8 },
      { email: 'alone@example.com', status: 'CONFIRMED', at: 9 },
    ]);
    const kept: { id: string; email: string; status: string }[] = await t.app.dataSource.query(
      `SELECT "id", "email", "status" FROM "newsletter_subscription" ORDER BY "created_at"`,
    );
    expect(kept).toEqual([
      { id: ids.get('dup.one@example.com'), email: 'dup.one@example.com', status: 'CONFIRMED' },
      { id: ids.get('Pend@example.com'), email: 'Pend@example.com', status: 'PENDING' },
      { id: ids.get('gone@example.com'), email: 'gone@example.com', status: 'UNSUBSCRIBED' },
      { id: ids.get('alone@example.com'), email: 'alone@example.com', status: 'CONFIRMED' },
    ]);
    const links: { subscription_id: string }[] = await t.app.dataSource.query(`SELECT "subscription_id" FROM "newsletter_merged_unsubscribe"`);
    expect(links).toHaveLength(6);

    // An unsubscribe link from a mail of a merged row unsubscribes the row that was kept.
    const merged = t.app.services.newsletter.unsubscribeToken(ids.get('DUP.ONE@example.com') ?? '');
    const answer = await t.gql(`mutation ($token: String!) { unsubscribeFromNewsletter(token: $token) { status } }`, { token: merged });
    expect(answer.body.data?.unsubscribeFromNewsletter.status).toBe('UNSUBSCRIBED');
    const [{ status }] = await t.app.dataSource.query(`SELECT "status" FROM "newsletter_subscription" WHERE "id" = $1`, [ids.get('dup.one@example.com')]);
    expect(status).toBe('UNSUBSCRIBED');
    expect(errorCodes(await t.gql(`mutation { unsubscribeFromNewsletter(token: "made-up") { status } }`))).toEqual(['INVALID_TOKEN']);
  });

  it('leaves the database refusing a second spelling of an address, even written directly', async () => {
    await migrateWith([{ email: 'only@example.com', status: 'CONFIRMED', at: 0 }]);
    await expect(
      t.app.dataSource.query(`INSERT INTO "newsletter_subscription" ("email", "unsubscribe_token_hash") VALUES ('ONLY@Example.com', repeat('a', 64))`),
    ).rejects.toMatchObject({ code: '23505' });
  });
});
