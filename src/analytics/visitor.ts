import { createHmac, randomBytes } from 'node:crypto';
import { isbot } from 'isbot';
import type { Sql } from '../db/sql';
import type { ClientInfo } from '../shared/client';

/** Whether a view comes from a crawler or tool (isbot's maintained list), or from a client that names no agent at all. */
export function isBotAgent(userAgent: string | null): boolean {
  return !userAgent || isbot(userAgent);
}

/** The hash of an app's visitorId (exported for the benchmark, which looks its views up by it). */
export function visitorIdHash(secret: string, visitorId: string): Buffer {
  return createHmac('sha256', secret).update(`visitor:${visitorId}`).digest();
}

/**
 * Who a view is from, as a 32-byte hash that cannot be turned back into an identity:
 * - the app's `visitorId` (a random id per installation or browser), keyed with MASTHEAD_SECRET;
 * - otherwise the client's address hash and user agent, keyed with a random salt for the view's UTC day. Salts live in
 *   the database (so every instance uses the same one) and are deleted after two days, after which no hash of that
 *   day can be linked back to an address. The raw address is never seen here: ClientInfo only carries its HMAC.
 */
export class VisitorIdentity {
  /** day (YYYY-MM-DD) → salt; a day's salt never changes once made. */
  private readonly salts = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly sql: Sql,
    private readonly secret: string,
  ) {}

  async hashOf(visitorId: string | null, viewedAt: Date, client: ClientInfo): Promise<Buffer> {
    if (visitorId) return visitorIdHash(this.secret, visitorId);
    const salt = await this.saltOf(viewedAt.toISOString().slice(0, 10));
    return createHmac('sha256', salt).update(`${client.addressHash}\n${client.userAgent ?? ''}`).digest();
  }

  /** Deletes salts older than yesterday (views are accepted up to 24 hours late, so yesterday's may still be needed). */
  async forgetOldSalts(now = new Date()): Promise<void> {
    const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    await this.sql.rows(`DELETE FROM "visitor_salt" WHERE "day" < $1::date`, [yesterday]);
    for (const day of this.salts.keys()) if (day < yesterday) this.salts.delete(day);
  }

  private saltOf(day: string): Promise<Buffer> {
    let salt = this.salts.get(day);
    if (!salt) {
      salt = this.loadOrCreateSalt(day);
      // A failed read is not remembered: the next view tries again.
      salt.catch(() => this.salts.delete(day));
      this.salts.set(day, salt);
    }
    return salt;
  }

  private async loadOrCreateSalt(day: string): Promise<Buffer> {
    // Whoever inserts first wins; everyone (every instance) then reads the winner's salt.
    await this.sql.rows(`INSERT INTO "visitor_salt" ("day", "salt") VALUES ($1::date, $2) ON CONFLICT ("day") DO NOTHING`, [day, randomBytes(32)]);
    const [row] = await this.sql.rows<{ salt: Buffer }>(`SELECT "salt" FROM "visitor_salt" WHERE "day" = $1::date`, [day]);
    return row.salt;
  }
}
