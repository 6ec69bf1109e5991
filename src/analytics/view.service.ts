import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Sql } from '../db/sql';
import type { ClientInfo } from '../shared/client';
import { badInput } from '../shared/errors';
import { rateLimited } from '../shared/rate-limit';
import { parseId } from '../shared/ids';
import { optionalText } from '../shared/text';
import { ViewRecorder, type StoredOutcome } from './view-recorder';
import { isBotAgent, VisitorIdentity } from './visitor';

/** One view as an app reports it. */
export interface ReportedView {
  articleId: string;
  visitorId?: string | null;
  referrer?: string | null;
  /** When the reader saw the article, for views queued offline; default now. */
  viewedAt?: Date | null;
}

export type ViewOutcome = StoredOutcome | 'BOT';

export const MAX_VIEWS_PER_CALL = 100;
/** Views queued offline are accepted this late. */
const LATEST_ACCEPTED_HOURS = 24;
/** Clocks of phones drift; a view "from the future" by less than this is taken as now. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface ViewSettings {
  dedupeMinutes: number;
  retentionDays: number;
  perClientMinute: number;
}

/**
 * Recording views: bots are answered but not counted; the rest are hashed to an anonymous visitor and handed to the
 * ViewRecorder (group commit; dedupe and rollups in one statement). A client address may report
 * VIEWS_PER_CLIENT_MINUTE views a minute, counted in memory per instance: an approximate guard against a script
 * inflating an article, cheap enough that recording stays far below the front page's cost.
 */
export class ViewService {
  private readonly recorder: ViewRecorder;
  private readonly visitors: VisitorIdentity;
  private readonly limiter: RateLimiterMemory;

  constructor(
    private readonly sql: Sql,
    log: Logger,
    secret: string,
    private readonly settings: ViewSettings,
  ) {
    this.recorder = new ViewRecorder(sql, log, settings.dedupeMinutes);
    this.visitors = new VisitorIdentity(sql, secret);
    this.limiter = new RateLimiterMemory({ keyPrefix: 'views', points: settings.perClientMinute, duration: 60 });
  }

  /** Records `views` from one client; the outcome of each, in order. */
  async record(views: readonly ReportedView[], client: ClientInfo, now = new Date()): Promise<ViewOutcome[]> {
    if (views.length === 0 || views.length > MAX_VIEWS_PER_CALL) throw badInput(`Report 1 to ${MAX_VIEWS_PER_CALL} views per call.`, 'views');
    const checked = views.map((view, index) => ({
      articleId: parseId(view.articleId, views.length > 1 ? `views[${index}].articleId` : 'articleId'),
      visitorId: optionalText(view.visitorId),
      viewedAt: viewTime(view.viewedAt ?? null, now),
      referrerHost: referrerHost(view.referrer ?? null),
    }));
    if (isBotAgent(client.userAgent)) return views.map(() => 'BOT');
    try {
      await this.limiter.consume(client.addressHash, views.length);
    } catch (outcome) {
      if (!(outcome instanceof RateLimiterRes)) throw outcome;
      throw rateLimited(outcome, (seconds) => `Too many views reported from this address. Try again in ${seconds} seconds.`);
    }
    const toStore = await Promise.all(
      checked.map(async (view) => ({
        articleId: view.articleId,
        visitorHash: await this.visitors.hashOf(view.visitorId, view.viewedAt, client),
        viewedAt: view.viewedAt,
        referrerHost: view.referrerHost,
      })),
    );
    return this.recorder.record(toStore);
  }

  /** Waits until every view handed over so far is stored (shutdown, tests). */
  flushed(): Promise<void> {
    return this.recorder.flushed();
  }

  /**
   * Deletes raw events and visitor memory older than VIEW_RETENTION_DAYS, and day salts older than yesterday, in
   * slices of `slice` rows so that no statement runs long or holds many locks. Returns the rows deleted.
   */
  async prune(now = new Date(), slice = 10_000): Promise<{ views: number; visitors: number }> {
    const cutoff = new Date(now.getTime() - this.settings.retentionDays * 86_400_000);
    const deleted = { views: 0, visitors: 0 };
    for (;;) {
      const rows = await this.sql.rows(
        `DELETE FROM "article_view" WHERE "id" IN (SELECT "id" FROM "article_view" WHERE "viewed_at" < $1 LIMIT $2) RETURNING 1`,
        [cutoff, slice],
      );
      deleted.views += rows.length;
      if (rows.length < slice) break;
    }
    for (;;) {
      const rows = await this.sql.rows(
        `DELETE FROM "article_visitor" WHERE ("article_id", "visitor_hash") IN
           (SELECT "article_id", "visitor_hash" FROM "article_visitor" WHERE "last_counted_at" < $1 LIMIT $2) RETURNING 1`,
        [cutoff, slice],
      );
      deleted.visitors += rows.length;
      if (rows.length < slice) break;
    }
    await this.visitors.forgetOldSalts(now);
    return deleted;
  }
}

/** The time a view happened: now, or an offline view's own time if it is at most a day old. */
function viewTime(viewedAt: Date | null, now: Date): Date {
  if (!viewedAt) return now;
  if (viewedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw badInput('viewedAt is in the future.', 'viewedAt');
  if (viewedAt.getTime() < now.getTime() - LATEST_ACCEPTED_HOURS * 3_600_000) {
    throw badInput(`Views are accepted up to ${LATEST_ACCEPTED_HOURS} hours after they happened.`, 'viewedAt');
  }
  return viewedAt.getTime() > now.getTime() ? now : viewedAt;
}

/** Only the referring site is kept ("https://news.example.com"); the path and query string can carry personal data. */
function referrerHost(referrer: string | null): string | null {
  if (!referrer?.trim()) return null;
  let url: URL;
  try {
    url = new URL(referrer.trim());
  } catch {
    throw badInput('referrer must be an http(s) address.', 'referrer');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput('referrer must be an http(s) address.', 'referrer');
  return `${url.protocol}//${url.host}`.slice(0, 255);
}
