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

interface Waiting {
  view: ViewToStore;
  settle: (outcome: StoredOutcome) => void;
  fail: (error: unknown) => void;
}

/** Views per statement at most; a busier queue is written in several statements, one after another. */
const MAX_BATCH = 1_000;
/** Deadlocks (only possible between instances) and serialization failures: the whole batch is simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Stores views with group commit: each request's views join a queue, and one statement at a time writes everything
 * queued since the last one began. A request is answered only after the statement holding its views has committed,
 * so an acknowledged view is never lost, while under load thousands of views share one round trip and one commit.
 *
 * The statement (RECORD_VIEWS) does everything in one atomic step: keeps only views of public articles, keeps one view
 * per visitor and article per batch, applies the dedupe window on article_visitor (ON CONFLICT … WHERE, under the row's
 * lock, so concurrent instances agree), inserts the counted views, and adds them to the hourly, daily and total
 * rollups and to each popularity window it falls in (popularity_window; it share-locks the popularity_state row for
 * that, see PopularityService.refreshWindowTotals). It reports each input row's outcome.
 */
export class ViewRecorder {
  private queue: Waiting[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly log: Logger,
    private readonly dedupeMinutes: number,
  ) {}

  record(views: readonly ViewToStore[]): Promise<StoredOutcome[]> {
    const outcomes = views.map((view) => new Promise<StoredOutcome>((settle, fail) => this.queue.push({ view, settle, fail })));
    this.writing ??= this.drain();
    return Promise.all(outcomes);
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
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const outcomes = await this.write(batch.map((waiting) => waiting.view));
          batch.forEach((waiting, index) => waiting.settle(outcomes[index]));
        } catch (error) {
          this.log.error({ err: error, views: batch.length }, 'storing views failed');
          for (const waiting of batch) waiting.fail(error);
        }
      }
    } finally {
      this.writing = null;
    }
  }

  private async write(views: ViewToStore[], attempt = 1): Promise<StoredOutcome[]> {
    try {
      const rows = await this.sql.rows<{ ord: string; outcome: StoredOutcome }>(RECORD_VIEWS, [
        views.map((view) => view.articleId),
        views.map((view) => view.visitorHash),
        views.map((view) => view.viewedAt),
        views.map((view) => view.referrerHost),
        `${this.dedupeMinutes} minutes`,
      ]);
      const outcomes = new Array<StoredOutcome>(views.length);
      for (const row of rows) outcomes[Number(row.ord) - 1] = row.outcome;
      return outcomes;
    } catch (error) {
      if (attempt < 3 && RETRYABLE.has((error as { code?: string }).code ?? '')) return this.write(views, attempt + 1);
      throw error;
    }
  }
}

/**
 * $1 article ids, $2 visitor hashes, $3 view times, $4 referrer hosts (parallel arrays), $5 the dedupe window.
 * Rows are written in key order so that concurrent statements lock rows in the same order.
 */
const RECORD_VIEWS = `
WITH incoming AS (
  SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::timestamptz[], $4::varchar[])
    WITH ORDINALITY AS i ("article_id", "visitor_hash", "viewed_at", "referrer_host", "ord")
),
known AS (
  SELECT i.* FROM incoming i JOIN "article" a ON a."id" = i."article_id" AND ${publicArticleSql('a')}
),
first_of_pair AS (
  SELECT DISTINCT ON ("article_id", "visitor_hash") * FROM known ORDER BY "article_id", "visitor_hash", "viewed_at", "ord"
),
counted AS (
  INSERT INTO "article_visitor" AS v ("article_id", "visitor_hash", "last_counted_at")
  SELECT "article_id", "visitor_hash", "viewed_at" FROM first_of_pair ORDER BY "article_id", "visitor_hash"
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
       CASE WHEN k."ord" IS NULL THEN 'NOT_FOUND' WHEN c."article_id" IS NOT NULL AND f."ord" = i."ord" THEN 'COUNTED' ELSE 'REPEAT' END AS "outcome"
FROM incoming i
LEFT JOIN known k ON k."ord" = i."ord"
LEFT JOIN first_of_pair f ON f."article_id" = i."article_id" AND f."visitor_hash" = i."visitor_hash"
LEFT JOIN counted c ON c."article_id" = i."article_id" AND c."visitor_hash" = i."visitor_hash"`;
