import type { Logger } from 'pino';
import type { Sql } from '../db/sql';
import { publicArticleSql } from '../article/article.service';
import { WINDOW_LENGTHS_SQL } from './windows';

/** A view that passed the checks that need no database: not a bot, a well-formed id, a plausible time. */
export interface ViewToStore {
  articleId: string;
  visitorHash: Buffer;
  viewedAt: Date;
  referrerHost: string | null;
}

/** What became of one view. */
export type StoredOutcome = 'COUNTED' | 'REPEAT' | 'NOT_FOUND';

/** One request's views, as the statement judged them: an outcome each, or all refused by the per-client limit. */
export type RecordedRequest = { outcomes: StoredOutcome[] } | { refusedForMs: number };

/**
 * A limit on the views one client may report, counted in the recording statement itself (so it costs no statement
 * of its own) in the rate_limit table, with rate-limiter-flexible's layout and rules: the key is `keyPrefix` and the
 * client, a fixed window of `durationMs` from the first view, refused views count too.
 */
export interface ReportLimit {
  keyPrefix: string;
  points: number;
  durationMs: number;
}

interface Waiting {
  /** ClientInfo.addressHash of the request. */
  client: string;
  views: readonly ViewToStore[];
  settle: (recorded: RecordedRequest) => void;
  fail: (error: unknown) => void;
}

interface OutcomeRow {
  ord: string;
  outcome: StoredOutcome | 'RATE_LIMITED';
  retry_after_ms: string | null;
}

/** Views per statement at most (whole requests: a request is never split); a busier queue is written in several statements. */
const MAX_BATCH = 1_000;
/** Deadlocks (only possible between instances) and serialization failures: the whole batch is simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Stores views with group commit: each request's views join a queue, and one statement at a time writes everything
 * queued since the last one began. A request is answered only after the statement holding its views has committed,
 * so an acknowledged view is never lost, while under load thousands of views share one round trip and one commit.
 *
 * The statement (RECORD_VIEWS) does everything in one atomic step: counts the views each client reported against its
 * per-minute limit (when that lives in PostgreSQL) and drops whole requests over it, keeps only views of public
 * articles, keeps one view per visitor and article per batch, lets each client address count at most
 * VIEWS_PER_CLIENT_ARTICLE views per article per window (article_client), applies the dedupe window on article_visitor
 * (ON CONFLICT … WHERE, under the rows' locks, so concurrent instances agree), inserts the counted views, and adds them
 * to the hourly, daily and total rollups and to each popularity window it falls in (popularity_window; it share-locks
 * the popularity_state row for that, see PopularityService.refreshWindowTotals). It reports each input row's outcome.
 */
export class ViewRecorder {
  private queue: Waiting[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly log: Logger,
    private readonly dedupeMinutes: number,
    private readonly perClientArticle: number,
    /** Null when the per-client limit is taken elsewhere (in Redis, before the views are queued). */
    private readonly reportLimit: ReportLimit | null,
  ) {}

  /** Records one request's views from `client` (its ClientInfo.addressHash). */
  record(client: string, views: readonly ViewToStore[]): Promise<RecordedRequest> {
    const recorded = new Promise<RecordedRequest>((settle, fail) => this.queue.push({ client, views, settle, fail }));
    this.writing ??= this.drain();
    return recorded;
  }

  /** Resolves when everything queued so far is written (for shutdown and tests). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    // Let the requests arriving in this tick of the event loop join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.queue.length > 0) {
        const batch = this.nextBatch();
        try {
          const recorded = await this.write(batch);
          batch.forEach((waiting, index) => waiting.settle(recorded[index]));
        } catch (error) {
          this.log.error({ err: error, requests: batch.length }, 'storing views failed');
          for (const waiting of batch) waiting.fail(error);
        }
      }
    } finally {
      this.writing = null;
    }
  }

  /** Whole requests from the head of the queue, up to MAX_BATCH views (at least one request). */
  private nextBatch(): Waiting[] {
    let taken = 0;
    let views = 0;
    while (taken < this.queue.length && (taken === 0 || views + this.queue[taken].views.length <= MAX_BATCH)) views += this.queue[taken++].views.length;
    return this.queue.splice(0, taken);
  }

  private async write(batch: Waiting[], attempt = 1): Promise<RecordedRequest[]> {
    const views = batch.flatMap((waiting) => waiting.views);
    const perView = <T>(value: (waiting: Waiting, index: number) => T) => batch.flatMap((waiting, index) => waiting.views.map(() => value(waiting, index)));
    try {
      const rows = await this.sql.rows<Record<keyof OutcomeRow, unknown>>(RECORD_VIEWS, [
        views.map((view) => view.articleId),
        views.map((view) => view.visitorHash),
        views.map((view) => view.viewedAt),
        views.map((view) => view.referrerHost),
        `${this.dedupeMinutes} minutes`,
        perView((waiting) => waiting.client),
        this.perClientArticle,
        perView((_waiting, index) => index),
        this.reportLimit?.points ?? null,
        this.reportLimit?.keyPrefix ?? '',
        this.reportLimit?.durationMs ?? 0,
      ]);
      const byOrd = new Array<OutcomeRow>(views.length);
      for (const row of rows as unknown as OutcomeRow[]) byOrd[Number(row.ord) - 1] = row;
      let next = 0;
      return batch.map((waiting) => {
        const own = byOrd.slice(next, (next += waiting.views.length));
        const refused = own.find((row) => row.outcome === 'RATE_LIMITED');
        return refused ? { refusedForMs: Number(refused.retry_after_ms) } : { outcomes: own.map((row) => row.outcome as StoredOutcome) };
      });
    } catch (error) {
      if (attempt < 3 && RETRYABLE.has((error as { code?: string }).code ?? '')) return this.write(batch, attempt + 1);
      throw error;
    }
  }
}

/**
 * Parallel arrays, one element per view: $1 article ids, $2 visitor hashes, $3 view times, $4 referrer hosts, $6 client
 * address hashes, $8 request numbers (within the batch). $5 the dedupe window, $7 VIEWS_PER_CLIENT_ARTICLE; the
 * per-client report limit (ReportLimit): $9 points (null: not counted here), $10 key prefix, $11 window in ms. Rows are
 * written in key order so that concurrent statements lock rows in the same order.
 *
 * The report limit adds every request's views to its client's counter (one upsert per client, under the row's lock,
 * so instances share it) and refuses, in queue order, each request that takes the counter past the limit: none of its
 * views is looked at further. The counter's window runs on the database's clock.
 *
 * The per-article bound is granted before the visitor dedupe is applied, to views that are no repeat as far as this
 * statement's snapshot shows (unseen): a reader reloading a page does not use up the allowance of the others behind
 * the same address. Its window starts with the client's first view of the article, on the database's clock (now());
 * the grant is taken under the article_client row's lock and read back through last_grant, so instances share it. A
 * view granted but then found a repeat under article_visitor's lock (a race between instances) wastes its grant: the
 * bound can only undercount, never be exceeded.
 */
const RECORD_VIEWS = `
WITH incoming AS (
  SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::timestamptz[], $4::varchar[], $6::varchar[], $8::int[])
    WITH ORDINALITY AS i ("article_id", "visitor_hash", "viewed_at", "referrer_host", "client_hash", "request", "ord")
),
clock AS (
  SELECT (extract(epoch FROM now()) * 1000)::bigint AS "now_ms"
),
requests AS (
  SELECT "client_hash", "request", count(*) AS "views" FROM incoming WHERE $9::int IS NOT NULL GROUP BY 1, 2
),
reported AS (
  INSERT INTO "rate_limit" AS r ("key", "points", "expire")
  SELECT $10::varchar || q."client_hash", sum(q."views"), k."now_ms" + $11::bigint FROM requests q CROSS JOIN clock k GROUP BY 1, 3 ORDER BY 1
  ON CONFLICT ("key") DO UPDATE
    SET "points" = CASE WHEN r."expire" <= excluded."expire" - $11::bigint THEN excluded."points" ELSE r."points" + excluded."points" END,
        "expire" = CASE WHEN r."expire" <= excluded."expire" - $11::bigint THEN excluded."expire" ELSE r."expire" END
  RETURNING r."key", r."points", r."expire"
),
refused AS (
  SELECT q."request", p."expire" - k."now_ms" AS "retry_after_ms"
  FROM (
    SELECT *, sum("views") OVER (PARTITION BY "client_hash" ORDER BY "request") AS "up_to_here", sum("views") OVER (PARTITION BY "client_hash") AS "in_batch"
    FROM requests
  ) q
  JOIN reported p ON p."key" = $10::varchar || q."client_hash"
  CROSS JOIN clock k
  -- The counter before this batch, plus this client's requests up to and including this one.
  WHERE p."points" - q."in_batch" + q."up_to_here" > $9::int
),
allowed AS (
  SELECT i.* FROM incoming i WHERE NOT EXISTS (SELECT 1 FROM refused f WHERE f."request" = i."request")
),
known AS (
  SELECT i.* FROM allowed i JOIN "article" a ON a."id" = i."article_id" AND ${publicArticleSql('a')}
),
first_of_pair AS (
  SELECT DISTINCT ON ("article_id", "visitor_hash") * FROM known ORDER BY "article_id", "visitor_hash", "viewed_at", "ord"
),
unseen AS (
  SELECT f.*, row_number() OVER (PARTITION BY f."article_id", f."client_hash" ORDER BY f."viewed_at", f."ord") AS "nth"
  FROM first_of_pair f
  LEFT JOIN "article_visitor" v ON v."article_id" = f."article_id" AND v."visitor_hash" = f."visitor_hash"
  WHERE v."last_counted_at" IS NULL OR v."last_counted_at" <= f."viewed_at" - $5::interval
),
granted AS (
  INSERT INTO "article_client" AS c ("article_id", "client_hash", "window_started_at", "counted", "last_grant")
  SELECT "article_id", "client_hash", now(), least(count(*), $7::int), least(count(*), $7::int)
  FROM unseen GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT ("article_id", "client_hash") DO UPDATE
    SET "window_started_at" = CASE WHEN c."window_started_at" <= now() - $5::interval THEN now() ELSE c."window_started_at" END,
        "counted" = CASE WHEN c."window_started_at" <= now() - $5::interval THEN excluded."counted" ELSE least(c."counted" + excluded."counted", $7::int) END,
        "last_grant" = CASE WHEN c."window_started_at" <= now() - $5::interval THEN excluded."counted" ELSE least(c."counted" + excluded."counted", $7::int) - c."counted" END
    -- A client that has used up its window is not written again, however many views it sends.
    WHERE c."window_started_at" <= now() - $5::interval OR c."counted" < $7::int
  RETURNING c."article_id", c."client_hash", c."last_grant"
),
admitted AS (
  SELECT u.* FROM unseen u JOIN granted g ON g."article_id" = u."article_id" AND g."client_hash" = u."client_hash" AND u."nth" <= g."last_grant"
),
counted AS (
  INSERT INTO "article_visitor" AS v ("article_id", "visitor_hash", "last_counted_at")
  SELECT "article_id", "visitor_hash", "viewed_at" FROM admitted ORDER BY "article_id", "visitor_hash"
  ON CONFLICT ("article_id", "visitor_hash") DO UPDATE
    SET "last_counted_at" = excluded."last_counted_at", "previous_counted_at" = v."last_counted_at"
    WHERE v."last_counted_at" <= excluded."last_counted_at" - $5::interval
  RETURNING v."article_id", v."visitor_hash", v."last_counted_at" AS "viewed_at", v."previous_counted_at"
),
stored AS (
  INSERT INTO "article_view" ("article_id", "visitor_hash", "viewed_at", "referrer_host")
  SELECT c."article_id", c."visitor_hash", c."viewed_at", f."referrer_host"
  FROM counted c JOIN first_of_pair f USING ("article_id", "visitor_hash")
),
hourly AS (
  INSERT INTO "article_view_hourly" AS r ("article_id", "hour", "views", "unique_visitors")
  SELECT "article_id", date_trunc('hour', "viewed_at", 'UTC'), count(*),
         count(*) FILTER (WHERE "previous_counted_at" IS NULL OR date_trunc('hour', "previous_counted_at", 'UTC') <> date_trunc('hour', "viewed_at", 'UTC'))
  FROM counted GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT ("article_id", "hour") DO UPDATE
    SET "views" = r."views" + excluded."views", "unique_visitors" = r."unique_visitors" + excluded."unique_visitors"
),
daily AS (
  INSERT INTO "article_view_daily" AS r ("article_id", "day", "views", "unique_visitors")
  SELECT "article_id", ("viewed_at" AT TIME ZONE 'UTC')::date, count(*),
         count(*) FILTER (WHERE "previous_counted_at" IS NULL OR ("previous_counted_at" AT TIME ZONE 'UTC')::date <> ("viewed_at" AT TIME ZONE 'UTC')::date)
  FROM counted GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT ("article_id", "day") DO UPDATE
    SET "views" = r."views" + excluded."views", "unique_visitors" = r."unique_visitors" + excluded."unique_visitors"
),
totals AS (
  INSERT INTO "article_view_total" AS r ("article_id", "views", "unique_visitors")
  SELECT "article_id", count(*), count(*) FILTER (WHERE "previous_counted_at" IS NULL)
  FROM counted GROUP BY 1 ORDER BY 1
  ON CONFLICT ("article_id") DO UPDATE
    SET "views" = r."views" + excluded."views", "unique_visitors" = r."unique_visitors" + excluded."unique_visitors"
),
totals_state AS (
  SELECT "as_of" FROM "popularity_state" WHERE "id" = 1 FOR SHARE
),
window_totals AS (
  INSERT INTO "popularity_window" AS p ("window", "article_id", "views")
  SELECT "w"."window", c."article_id", count(*)
  FROM counted c JOIN totals_state s ON s."as_of" IS NOT NULL JOIN ${WINDOW_LENGTHS_SQL} ON c."viewed_at" >= s."as_of" - "w"."length"
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT ("window", "article_id") DO UPDATE SET "views" = p."views" + excluded."views"
)
SELECT i."ord",
       CASE WHEN r."request" IS NOT NULL THEN 'RATE_LIMITED' WHEN k."ord" IS NULL THEN 'NOT_FOUND'
            WHEN c."article_id" IS NOT NULL AND f."ord" = i."ord" THEN 'COUNTED' ELSE 'REPEAT' END AS "outcome",
       r."retry_after_ms"
FROM incoming i
LEFT JOIN refused r ON r."request" = i."request"
LEFT JOIN known k ON k."ord" = i."ord"
LEFT JOIN first_of_pair f ON f."article_id" = i."article_id" AND f."visitor_hash" = i."visitor_hash"
LEFT JOIN counted c ON c."article_id" = i."article_id" AND c."visitor_hash" = i."visitor_hash"`;
