import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { publicArticleSql } from '../article/article.service';
import { EntityRows, pageByCreated } from '../db/rows';
import { enqueueMail } from '../mail/mail.outbox';
import type { ClientInfo } from '../shared/client';
import { hmacHex, randomToken, sha256Hex } from '../shared/crypto';
import { emailKey, emailKeySql, normaliseEmail } from '../shared/email-address';
import { AppError } from '../shared/errors';
import { parseId } from '../shared/ids';
import type { CreatedPosition, Page } from '../shared/pagination';
import type { RateLimits, RateRule, RequestRateLimits } from '../shared/rate-limit';
import { NewsletterStatus, NewsletterSubscription } from './newsletter.entity';

export interface NewsletterSettings {
  /** Link in the confirmation mail; {token} is replaced. */
  confirmUrl: string;
  /** One-click unsubscribe link (this gateway); {token} is replaced. */
  unsubscribeUrl: string;
  mailsPerAddressHour: number;
  signupsPerClient12h: number;
  /** Derives each subscription's unsubscribe token, so every mail can carry the same link. */
  secret: string;
}

export interface SignUp {
  email: string;
  sourceArticleId?: string | null;
  honeypot?: string | null;
}

/** How long a confirmation link stays valid. */
const CONFIRMATION_HOURS = 48;
/** A repeated sign-up sends a fresh link only when the last one is at least this old (a double click sends one). */
const RESEND_AFTER_MINUTES = 10;
const TWELVE_HOURS = 12 * 3_600;

/**
 * The "Subscribe" box: double opt-in sign-up, confirmation, unsubscribing. subscribe() answers the same way whatever
 * the address's state (new, pending, confirmed, unsubscribed), so nobody can learn who subscribes; mails go through the
 * outbox in the same transaction as the change that causes them.
 */
export class NewsletterService {
  private readonly rows: EntityRows<NewsletterSubscription>;
  private readonly mailsPerAddress: RateRule;
  private readonly signupsPerClient: RateRule;
  private readonly newPairsPerClient: RateRule = { name: 'newsletter:client-address', points: 1, durationSeconds: TWELVE_HOURS };

  constructor(
    private readonly dataSource: DataSource,
    private readonly rateLimits: RateLimits,
    private readonly settings: NewsletterSettings,
  ) {
    this.rows = new EntityRows(dataSource, NewsletterSubscription);
    this.mailsPerAddress = { name: 'newsletter:address-mails', points: settings.mailsPerAddressHour, durationSeconds: 3_600 };
    this.signupsPerClient = { name: 'newsletter:client', points: settings.signupsPerClient12h, durationSeconds: TWELVE_HOURS };
  }

  /**
   * Signs an address up, or sends a new confirmation link where one is due. Resolves the same way in every case;
   * throws only for bad input (BAD_USER_INPUT) and for a client over its sign-up limit (RATE_LIMITED).
   */
  async subscribe(signUp: SignUp, client: ClientInfo): Promise<void> {
    const email = normaliseEmail(signUp.email);
    const sourceArticleId = signUp.sourceArticleId ? parseId(signUp.sourceArticleId, 'sourceArticleId') : null;
    // A bot that filled the hidden field is answered like anyone else, and nothing happens.
    if (signUp.honeypot?.trim()) return;
    await this.rateLimits.inTransaction(this.dataSource, (manager, limits) => this.signUp(manager, email, sourceArticleId, client, limits));
  }

  /**
   * The work of subscribe(), inside its transaction. Every comparison of addresses, limits included, is by the
   * address's key (emailKeySql), so "Reader.One@" and "reader.one@" are one subscriber with one mail allowance.
   */
  private async signUp(manager: EntityManager, email: string, sourceArticleId: string | null, client: ClientInfo, limits: RequestRateLimits): Promise<void> {
    const key = await emailKey(manager, email);
    // A client may sign up a few different addresses; asking again for the same one does not count twice.
    if (await limits.tryConsume(this.newPairsPerClient, sha256Hex(`${client.addressHash}:${key}`), manager)) {
      await limits.consume(this.signupsPerClient, client.addressHash, manager);
    }
    const attribution = await this.publicArticle(manager, sourceArticleId);
    const id = randomUUID();
    const confirmation = randomToken();
    const created: unknown[] = await manager.query(
      `INSERT INTO "newsletter_subscription"
         ("id", "email", "status", "confirmation_token_hash", "confirmation_expires_at", "unsubscribe_token_hash", "source_article_id", "referrer")
       VALUES ($1, $2, 'PENDING', $3, now() + make_interval(hours => $4), $5, $6, $7)
       ON CONFLICT ((${emailKeySql('"email"')})) DO NOTHING RETURNING "id"`,
      [id, email, sha256Hex(confirmation), CONFIRMATION_HOURS, sha256Hex(this.unsubscribeToken(id)), attribution, client.referrer],
    );
    const mailsToAddress = sha256Hex(key);
    if (created.length) {
      await limits.tryConsume(this.mailsPerAddress, mailsToAddress, manager);
      await this.sendConfirmation(manager, email, id, confirmation);
      return;
    }
    const [existing] = (await manager.query(
      `SELECT "id", "status", "confirmation_expires_at" <= now() + make_interval(hours => $2::int, mins => -$3::int) AS "resend_due"
       FROM "newsletter_subscription" WHERE ${emailKeySql('"email"')} = $1 FOR UPDATE`,
      [key, CONFIRMATION_HOURS, RESEND_AFTER_MINUTES],
    )) as { id: string; status: NewsletterStatus; resend_due: boolean | null }[];
    const wantsLink =
      existing.status === NewsletterStatus.UNSUBSCRIBED || (existing.status === NewsletterStatus.PENDING && existing.resend_due !== false);
    // Confirmed addresses get nothing; the others a fresh link, within the per-address mail limit.
    if (!wantsLink || !(await limits.tryConsume(this.mailsPerAddress, mailsToAddress, manager))) return;
    const fresh = randomToken();
    // The link goes to the address as typed this time, and it replaces every earlier link: whichever spelling
    // confirms is the one newsletters are sent to.
    await manager.query(
      `UPDATE "newsletter_subscription"
       SET "email" = $6, "status" = 'PENDING', "confirmation_token_hash" = $2, "confirmation_expires_at" = now() + make_interval(hours => $3),
           "source_article_id" = coalesce($4, "source_article_id"), "referrer" = coalesce($5, "referrer")
       WHERE "id" = $1`,
      [existing.id, sha256Hex(fresh), CONFIRMATION_HOURS, attribution, client.referrer, email],
    );
    await this.sendConfirmation(manager, email, existing.id, fresh);
  }

  /** Confirms a sign-up. INVALID_TOKEN for an unknown or used link, TOKEN_EXPIRED for an old one; neither changes anything. */
  async confirm(token: string): Promise<NewsletterSubscription> {
    return this.dataSource.transaction(async (manager) => {
      const subscription = await this.lockBy(manager, 'confirmation_token_hash', token);
      if (!subscription) {
        throw new AppError('INVALID_TOKEN', 'This confirmation link is not valid: it may have been used already, or replaced by a newer one.');
      }
      if (!subscription.confirmationExpiresAt || subscription.confirmationExpiresAt.getTime() <= Date.now()) {
        throw new AppError('TOKEN_EXPIRED', 'This confirmation link has expired. Subscribe again to get a new one.');
      }
      return this.update(
        manager,
        subscription.id,
        `"status" = 'CONFIRMED', "confirmed_at" = now(), "confirmation_token_hash" = NULL, "confirmation_expires_at" = NULL`,
      );
    });
  }

  /** Unsubscribes (again, harmlessly, if already done). INVALID_TOKEN for an unknown link, changing nothing. */
  async unsubscribe(token: string): Promise<NewsletterSubscription> {
    return this.dataSource.transaction(async (manager) => {
      const subscription = await this.lockBy(manager, 'unsubscribe_token_hash', token);
      if (!subscription) throw new AppError('INVALID_TOKEN', 'This unsubscribe link is not valid.');
      if (subscription.status === NewsletterStatus.UNSUBSCRIBED) return subscription;
      return this.update(
        manager,
        subscription.id,
        `"status" = 'UNSUBSCRIBED', "unsubscribed_at" = now(), "confirmation_token_hash" = NULL, "confirmation_expires_at" = NULL`,
      );
    });
  }

  /** Subscribers with `status` (all when null), oldest first, with their addresses: for ADMIN exports. */
  subscribers(status: NewsletterStatus | null, first: number, after: CreatedPosition | null): Promise<Page<NewsletterSubscription>> {
    const query = this.dataSource.getRepository(NewsletterSubscription).createQueryBuilder('s');
    if (status) query.where('s.status = :status', { status });
    return pageByCreated(query, 'OLDEST_FIRST', first, after);
  }

  /** How many sign-ups have each status. */
  async stats(): Promise<Record<NewsletterStatus, number>> {
    const rows: { status: NewsletterStatus; count: number }[] = await this.dataSource.query(
      `SELECT "status", count(*)::int AS "count" FROM "newsletter_subscription" GROUP BY "status"`,
    );
    const counts = { PENDING: 0, CONFIRMED: 0, UNSUBSCRIBED: 0 } as Record<NewsletterStatus, number>;
    for (const row of rows) counts[row.status] = row.count;
    return counts;
  }

  /** The unsubscribe token of a subscription: derived, so it is the same in every mail and never stored as such. */
  unsubscribeToken(subscriptionId: string): string {
    return Buffer.from(hmacHex(this.settings.secret, `newsletter-unsubscribe:${subscriptionId}`), 'hex').toString('base64url');
  }

  private async sendConfirmation(manager: EntityManager, email: string, subscriptionId: string, confirmation: string): Promise<void> {
    const confirmLink = this.settings.confirmUrl.replace('{token}', encodeURIComponent(confirmation));
    const unsubscribeLink = this.settings.unsubscribeUrl.replace('{token}', encodeURIComponent(this.unsubscribeToken(subscriptionId)));
    await enqueueMail(manager, {
      to: email,
      subject: 'Please confirm your newsletter subscription',
      text: [
        'Thank you for signing up for our newsletter.',
        '',
        `Please confirm your subscription by opening this link within ${CONFIRMATION_HOURS} hours:`,
        confirmLink,
        '',
        'If you did not sign up, ignore this mail: you will not be subscribed.',
        `To stop all mail from us: ${unsubscribeLink}`,
      ].join('\n'),
      headers: { 'List-Unsubscribe': `<${unsubscribeLink}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
  }

  private async publicArticle(manager: EntityManager, articleId: string | null): Promise<string | null> {
    if (!articleId) return null;
    const rows: unknown[] = await manager.query(`SELECT 1 FROM "article" "a" WHERE "a"."id" = $1 AND ${publicArticleSql('a')}`, [articleId]);
    // Attribution is a courtesy: an unknown article is not worth refusing a sign-up for.
    return rows.length ? articleId : null;
  }

  private async lockBy(manager: EntityManager, column: 'confirmation_token_hash' | 'unsubscribe_token_hash', token: string): Promise<NewsletterSubscription | null> {
    if (!token || token.length > 200) return null;
    // An unsubscribe link of a subscription merged into this one (NewsletterMergedUnsubscribe) works as its own.
    const merged =
      column === 'unsubscribe_token_hash'
        ? ` OR "n"."id" = (SELECT "m"."subscription_id" FROM "newsletter_merged_unsubscribe" "m" WHERE "m"."unsubscribe_token_hash" = $1)`
        : '';
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT ${this.rows.select('n')} FROM "newsletter_subscription" "n" WHERE "n"."${column}" = $1${merged} FOR UPDATE`,
      [sha256Hex(token)],
    );
    return rows.length ? this.rows.require(rows[0], 'n') : null;
  }

  private async update(manager: EntityManager, id: string, assignments: string): Promise<NewsletterSubscription> {
    const [rows] = (await manager.query(`UPDATE "newsletter_subscription" SET ${assignments} WHERE "id" = $1 RETURNING ${this.rows.returning('n')}`, [id])) as [
      Record<string, unknown>[],
      number,
    ];
    return this.rows.require(rows[0], 'n');
  }
}
