import type { Logger } from 'pino';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Sql } from '../db/sql';
import type { ClientInfo } from '../shared/client';
import { badInput } from '../shared/errors';
import { rateLimited, type RateLimits, type RateRule } from '../shared/rate-limit';
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
  perClientArticle: number;
}

/**
 * Recording views: bots are answered but not counted; the rest are hashed to an anonymous visitor and handed to the
 * ViewRecorder (group commit; dedupe and rollups in one statement). Two limits per client address keep a script from
 * inflating counts, both shared by every instance:
 * - VIEWS_PER_CLIENT_MINUTE views reported a minute, whatever they name: in Redis when configured (RateLimits), else
 *   in PostgreSQL's rate_limit table from within the recording statement; beyond it the call is RATE_LIMITED and
 *   stores nothing;
 * - VIEWS_PER_CLIENT_ARTICLE counted views per article per dedupe window, whatever visitorIds it sends (decided in the
 *   recording statement); beyond it views are answered REPEAT.
 */
export class ViewService {
  private readonly recorder: ViewRecorder;
  private readonly visitors: VisitorIdentity;
  private readonly reportsPerClient: RateRule;

  constructor(
    private readonly sql: Sql,
    log: Logger,
    secret: string,
    private readonly settings: ViewSettings,
    private readonly rateLimits: RateLimits,
  ) {
    this.visitors = new VisitorIdentity(sql, secret);
    this.reportsPerClient = {
      name: 'views:client',
      points: settings.perClientMinute,
      durationSeconds: 60,
      refusal: tooManyViews,
      // A script hammering past its limit is refused without a round trip to Redis.
      refuseFromMemoryWhenSpent: true,
    };
    // Counted in PostgreSQL, the limit is taken in the recording statement itself, rows and rules as RateLimits keeps
    // them: a statement of its own per request would cost the database more than recording the view.
    const keyPrefix = rateLimits.postgresKeyPrefix(this.reportsPerClient);
    const { points, durationSeconds } = this.reportsPerClient;
    this.recorder = new ViewRecorder(sql, log, settings.dedupeMinutes, settings.perClientArticle, keyPrefix === null ? null : { keyPrefix, points, durationMs: durationSeconds * 1000 });
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
    if (this.rateLimits.postgresKeyPrefix(this.reportsPerClient) === null) {
      await this.rateLimits.consume(this.reportsPerClient, client.addressHash, undefined, views.length);
    }
    const toStore = await Promise.all(
      checked.map(async (view) => ({
        articleId: view.articleId,
        visitorHash: await this.visitors.hashOf(view.visitorId, view.viewedAt, client),
        viewedAt: view.viewedAt,
        referrerHost: view.referrerHost,
      })),
    );
    // The keyed hash every limit uses, never the address itself; article_client keeps it only while its window runs.
    const recorded = await this.recorder.record(client.addressHash, toStore);
    if ('refusedForMs' in recorded) throw rateLimited(new RateLimiterRes(0, recorded.refusedForMs), tooManyViews);
    return recorded.outcomes;
  }

  /** Waits until every view handed over so far is stored (shutdown, tests). */
  flushed(): Promise<void> {
    return this.recorder.flushed();
  }

  /**
   * Deletes raw events and visitor memory older than VIEW_RETENTION_DAYS, per-client windows that have passed, and day
   * salts older than yesterday, in slices of `slice` rows so that no statement runs long or holds many locks. Returns
   * the raw events and visitor rows deleted.
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
    // A passed window starts afresh on the next view anyway; deleting it forgets which address read what.
    const windowsPassed = new Date(now.getTime() - this.settings.dedupeMinutes * 60_000);
    for (;;) {
      const rows = await this.sql.rows(
        `DELETE FROM "article_client" WHERE ("article_id", "client_hash") IN
           (SELECT "article_id", "client_hash" FROM "article_client" WHERE "window_started_at" < $1 LIMIT $2) RETURNING 1`,
        [windowsPassed, slice],
      );
      if (rows.length < slice) break;
    }
    await this.visitors.forgetOldSalts(now);
    return deleted;
  }
}

function tooManyViews(retryAfterSeconds: number): string {
  return `Too many views reported from this address. Try again in ${retryAfterSeconds} seconds.`;
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
