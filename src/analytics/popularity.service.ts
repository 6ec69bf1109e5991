import type { DataSource } from 'typeorm';
import { publicArticleSql } from '../article/article.service';
import type { Sql } from '../db/sql';
import { toPage, type Page } from '../shared/pagination';
import { PopularityWindow, startOfHour, utcDay, WINDOW_LENGTHS_SQL, windowBounds, windowLengthMs, windowLengthSql } from './windows';

export type PopularitySource = 'rollups' | 'raw';

/** An item of a ranked list: what is ranked (an article, section or author id), its views, and its place (from 1). */
export type Ranked = {
  id: string;
  views: number;
  rank: number;
};

export interface TrendingMatch {
  articleId: string;
  rank: number;
  score: number;
  views24h: number;
  views7d: number;
  comments7d: number;
}

/** Trending looks back this far; with the decay, older views would add next to nothing. */
const TRENDING_LOOKBACK_HOURS = 7 * 24;
/** In the trending score a comment weighs as much as this many views: it is a much stronger sign of interest. */
export const TRENDING_COMMENT_WEIGHT = 10;

/**
 * popularity_window is slid on every minute (see app.ts); it is used while it was slid at most this long ago, else the
 * windows are read from the tiers (slower, still exact) until the next slide.
 */
const WINDOW_TOTALS_MAX_AGE_MS = 15 * 60_000;
/**
 * A slide subtracts the raw events that have left each window since the last one; they are kept VIEW_RETENTION_DAYS
 * (at least 31) and the longest window is 30 days, so a gap of up to a day could be slid. Past this, it is rebuilt
 * from the hourly rollups instead.
 */
const LONGEST_SLIDE_MS = 12 * 3_600_000;
/** How long an instance trusts the as_of it last read before reading it again (see freshTotalsAsOf). */
const AS_OF_MEMORY_MS = 1_000;

export type WindowTotalsRefresh = 'rebuilt' | 'slid' | 'current';

type Grouping = 'article' | 'section' | 'author';
const GROUP_COLUMN: Record<Grouping, string> = { article: '"w"."article_id"', section: '"a"."section_id"', author: '"a"."author_id"' };

/**
 * Popularity over time windows, exact to the millisecond at the window's start, counted from rollups:
 *  - normally from popularity_window: each article's views since (as_of - window), kept current by the recorder (which
 *    adds every counted view) and slid on every minute (see refreshWindowTotals). A window ending now is that total
 *    minus the views that have left the window since as_of, a minute's worth at most, read from the raw events;
 *  - while popularity_window is missing or stale, from the hourly and daily rollups (see windows.ts for the cut).
 * With POPULARITY_SOURCE=raw everything is counted from the raw view events instead: the same answer, much slower
 * (the benchmark compares the two).
 */
export class PopularityService {
  private rememberedAsOf: { asOf: Date | null; readAt: number } | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: Sql,
    private readonly source: PopularitySource,
    private readonly trendingGravity: number,
  ) {}

  /** The most viewed public articles in `window`, optionally in one section (by slug), best first. */
  async popular(window: PopularityWindow, sectionSlug: string | null, first: number, now = new Date()): Promise<Ranked[]> {
    const ranked = (rows: { id: string; views: number }[]) => rows.map((row, index) => ({ id: row.id, views: row.views, rank: index + 1 }));
    if (this.source === 'rollups') {
      let asOf = await this.freshTotalsAsOf(now);
      for (let attempt = 0; asOf && attempt < 2; attempt++) {
        const rows = await this.popularFromTotals(window, sectionSlug, first, now, asOf);
        if (rows.length) return ranked(rows);
        // Nothing back: either nothing qualifies, or the windows slid on since asOf was read.
        const current = await this.freshTotalsAsOf(now, { reread: true });
        if (current && current.getTime() === asOf.getTime()) return [];
        asOf = current;
      }
    }
    // Without fresh totals (or with POPULARITY_SOURCE=raw): the statement that reads whichever is current, the totals
    // or the tiers (or the raw events).
    return ranked(await this.topArticles(sectionSlug, first, (parameters) => this.viewsInWindowSql(window, now, parameters)));
  }

  /**
   * The fast way: exact for every article. An article none of whose views have expired since asOf has its total, so
   * the best of those are the first `first` in popularity_window's index; the few with expired views are looked up one
   * by one. totals_state checks that the windows have not slid on since asOf was read; if they have, nothing comes back.
   *
   * Sent with a generic plan (Sql.rows' `plan: 'generic'`): planned afresh it cost 0.6–1.2 ms of planning to run in 0.2.
   * Its generic plan cannot know how few views expired (it guesses thousands), so the lookups of those are written as
   * LATERAL subqueries that the planner may not turn into joins (OFFSET 0): index lookups per expired article, never
   * a scan of every article or window total.
   */
  private popularFromTotals(window: PopularityWindow, sectionSlug: string | null, first: number, now: Date, asOf: Date) {
    const parameters: unknown[] = [];
    const param = (value: unknown) => `$${parameters.push(value)}`;
    const [limit, windowName, asOfParam] = [param(first), param(window), param(asOf)];
    const inSection = inSectionSql(sectionSlug, param);
    return this.sql.rows<{ id: string; views: number }>(
      `WITH totals_state AS (SELECT FROM "popularity_state" WHERE "as_of" = ${asOfParam}),
       expired AS (${expiredViewsSql(window, now, param, asOfParam)})
       SELECT "w"."article_id" AS "id", "w"."views"::int AS "views" FROM (
         (SELECT t."article_id", t."views", "a"."published_at" FROM "popularity_window" t
          JOIN "article" "a" ON "a"."id" = t."article_id" AND ${publicArticleSql('a')} ${inSection}
          WHERE t."window" = ${windowName} AND EXISTS (SELECT FROM totals_state)
            AND t."article_id" NOT IN (SELECT "article_id" FROM expired)
          ORDER BY t."views" DESC, "a"."published_at" DESC, "a"."id" LIMIT ${limit})
         UNION ALL
         SELECT e."article_id", t."views" - e."views", "a"."published_at" FROM expired e
         CROSS JOIN LATERAL (SELECT t."views" FROM "popularity_window" t WHERE t."window" = ${windowName} AND t."article_id" = e."article_id" OFFSET 0) t
         CROSS JOIN LATERAL (SELECT "a"."published_at" FROM "article" "a" WHERE "a"."id" = e."article_id" AND ${publicArticleSql('a')} ${inSection} OFFSET 0) "a"
         WHERE EXISTS (SELECT FROM totals_state)
       ) "w"
       WHERE "w"."views" > 0
       ORDER BY "w"."views" DESC, "w"."published_at" DESC, "w"."article_id"
       LIMIT ${limit}`,
      parameters,
      { plan: 'generic' },
    );
  }

  /**
   * The first `first` public articles (in the section) of some (article_id, views) rows, by views, then the newest
   * (the order popularFromTotals keeps too). The callback writes those rows' SQL, adding its values to `parameters`.
   * Planned afresh each time: which of the rows' sources are empty depends on the values.
   */
  private topArticles(sectionSlug: string | null, first: number, viewsSql: (parameters: unknown[]) => string): Promise<{ id: string; views: number }[]> {
    const parameters: unknown[] = [];
    const param = (value: unknown) => `$${parameters.push(value)}`;
    const limit = param(first);
    const inSection = inSectionSql(sectionSlug, param);
    const views = viewsSql(parameters);
    return this.sql.rows<{ id: string; views: number }>(
      `SELECT "w"."article_id" AS "id", "w"."views"::int AS "views"
       FROM (${views}) "w" JOIN "article" "a" ON "a"."id" = "w"."article_id" AND ${publicArticleSql('a')} ${inSection}
       WHERE "w"."views" > 0
       ORDER BY "w"."views" DESC, "a"."published_at" DESC, "a"."id"
       LIMIT ${limit}`,
      parameters,
      { plan: 'fresh' },
    );
  }

  /**
   * When popularity_window was last slid on, if that is recent enough to read it (see WINDOW_TOTALS_MAX_AGE_MS).
   * Remembered for a second: a statement reading the totals checks that as_of is still the one it was given, so a
   * remembered one that has gone stale costs a retry, never a wrong answer.
   */
  private async freshTotalsAsOf(now: Date, options: { reread?: boolean } = {}): Promise<Date | null> {
    const remembered = this.rememberedAsOf;
    let asOf: Date | null;
    if (!options.reread && remembered && now.getTime() >= remembered.readAt && now.getTime() - remembered.readAt < AS_OF_MEMORY_MS) {
      asOf = remembered.asOf;
    } else {
      const [state] = await this.sql.rows<{ as_of: Date | null }>(`SELECT "as_of" FROM "popularity_state" WHERE "id" = 1`, []);
      asOf = state?.as_of ?? null;
      this.rememberedAsOf = { asOf, readAt: now.getTime() };
    }
    const fresh = asOf && asOf.getTime() <= now.getTime() && asOf.getTime() > now.getTime() - WINDOW_TOTALS_MAX_AGE_MS;
    return fresh ? asOf : null;
  }

  /**
   * Brings popularity_window up to `now`: slides each window on by subtracting the raw events that have left it since
   * as_of, or, when it was never built or is more than LONGEST_SLIDE_MS behind, rebuilds it from the hourly rollups
   * (as of the hour) and then slides. Holds the state row's lock throughout, so recording statements (which share it)
   * wait: each view lands either in what this reads or in popularity_window after it, never in neither or both. Safe
   * from several instances at once.
   */
  async refreshWindowTotals(now = new Date()): Promise<WindowTotalsRefresh> {
    // READ COMMITTED, whatever the server's default: each statement after the lock must see every recording that
    // committed before the lock was granted (one snapshot taken before the wait would miss them).
    const done = await this.dataSource.transaction('READ COMMITTED', async (manager): Promise<WindowTotalsRefresh> => {
      const [state] = (await manager.query(`SELECT "as_of" FROM "popularity_state" WHERE "id" = 1 FOR UPDATE`)) as { as_of: Date | null }[];
      const builtAsOf = state?.as_of ?? null;
      if (builtAsOf && builtAsOf.getTime() >= now.getTime()) return 'current';
      const rebuild = !builtAsOf || now.getTime() - builtAsOf.getTime() > LONGEST_SLIDE_MS;
      const asOf = rebuild ? startOfHour(now) : builtAsOf;
      if (rebuild) {
        await manager.query(`DELETE FROM "popularity_window"`);
        await manager.query(
          `INSERT INTO "popularity_window" ("window", "article_id", "views")
           SELECT "w"."window", h."article_id", sum(h."views")
           FROM "article_view_hourly" h JOIN ${WINDOW_LENGTHS_SQL} ON h."hour" >= $1::timestamptz - "w"."length"
           WHERE h."hour" >= $1::timestamptz - (SELECT max("length") FROM ${WINDOW_LENGTHS_SQL})
           GROUP BY 1, 2`,
          [asOf],
        );
      }
      // Per window, the raw events of [asOf - window, now - window): a short range each, so an index range scan.
      const expired: unknown[] = [];
      const ranges = Object.values(PopularityWindow).map((name) => {
        const length = windowLengthMs(name);
        expired.push(name, new Date(asOf.getTime() - length), new Date(now.getTime() - length));
        const n = expired.length;
        return `SELECT $${n - 2}::varchar AS "window", "article_id" FROM "article_view" WHERE "viewed_at" >= $${n - 1} AND "viewed_at" < $${n}`;
      });
      await manager.query(
        `UPDATE "popularity_window" p SET "views" = p."views" - e."views"
         FROM (SELECT "window", "article_id", count(*)::int AS "views" FROM (${ranges.join(' UNION ALL ')}) v GROUP BY 1, 2) e
         WHERE p."window" = e."window" AND p."article_id" = e."article_id"`,
        expired,
      );
      await manager.query(`DELETE FROM "popularity_window" WHERE "window" = ANY($1) AND "views" <= 0`, [Object.values(PopularityWindow)]);
      await manager.query(`UPDATE "popularity_state" SET "as_of" = $1 WHERE "id" = 1`, [now]);
      // Fresh statistics after a rebuild, so that the planner knows the table's size at once, not after autovacuum's round.
      if (rebuild) await manager.query(`ANALYZE "popularity_window"`);
      return rebuild ? 'rebuilt' : 'slid';
    });
    // This instance knows the new as_of (committed): its next lists need not first try the one it remembered.
    if (done !== 'current') this.rememberedAsOf = { asOf: now, readAt: now.getTime() };
    return done;
  }

  /**
   * Views in `window` grouped by article, section or author, ranked (views, then id), one page after rank `afterRank`.
   * Every article counts, published or not any more: the views happened. For analysts' exports.
   */
  async rankedPage(grouping: Grouping, window: PopularityWindow, sectionSlug: string | null, first: number, afterRank: number | null, now = new Date()): Promise<Page<Ranked>> {
    const parameters: unknown[] = [];
    const ranked = this.rankedSql(grouping, window, sectionSlug, now, parameters);
    parameters.push(afterRank ?? 0, first + 1);
    const rows = await this.sql.rows<Ranked>(
      `SELECT * FROM (${ranked}) "r" WHERE "r"."rank" > $${parameters.length - 1} ORDER BY "r"."rank" LIMIT $${parameters.length}`,
      parameters,
      { plan: 'fresh' },
    );
    return toPage(rows.map((row) => ({ ...row, rank: Number(row.rank) })), first);
  }

  async rankedCount(grouping: Grouping, window: PopularityWindow, sectionSlug: string | null, now = new Date()): Promise<number> {
    const parameters: unknown[] = [];
    const ranked = this.rankedSql(grouping, window, sectionSlug, now, parameters);
    const [{ count }] = await this.sql.rows<{ count: number }>(`SELECT count(*)::int AS "count" FROM (${ranked}) "r"`, parameters, { plan: 'fresh' });
    return count;
  }

  /**
   * "Trending": public articles ranked by recent views with a time decay. Each hour's views (and comments, weighted)
   * count divided by (age in hours + 2) ^ TRENDING_GRAVITY, the age taken at the middle of the hour. With the score
   * come the plain numbers behind it.
   */
  async trending(first: number, now = new Date()): Promise<TrendingMatch[]> {
    const rows = await this.sql.rows<{ id: string; score: number }>(
      `WITH activity AS (
         SELECT "article_id", "hour", "views"::float8 AS "weight" FROM "article_view_hourly" WHERE "hour" >= $1
         UNION ALL
         SELECT "article_id", date_trunc('hour', "created_at", 'UTC'), $2::float8
         FROM "comment" WHERE "created_at" >= $1 AND "status" = 'APPROVED'
       )
       SELECT "t"."article_id" AS "id",
              sum("t"."weight" / power(greatest(extract(epoch FROM $3::timestamptz - "t"."hour") / 3600 - 0.5, 0) + 2, $4::float8)) AS "score"
       FROM activity "t" JOIN "article" "a" ON "a"."id" = "t"."article_id" AND ${publicArticleSql('a')}
       GROUP BY "t"."article_id", "a"."published_at"
       ORDER BY "score" DESC, "a"."published_at" DESC, "t"."article_id"
       LIMIT $5`,
      [new Date(now.getTime() - TRENDING_LOOKBACK_HOURS * 3_600_000), TRENDING_COMMENT_WEIGHT, now, this.trendingGravity, first],
    );
    if (!rows.length) return [];
    const ids = rows.map((row) => row.id);
    const [day, week, comments] = await Promise.all([
      this.viewsOf(ids, PopularityWindow.LAST_24_HOURS, now),
      this.viewsOf(ids, PopularityWindow.LAST_7_DAYS, now),
      this.sql.rows<{ article_id: string; count: number }>(
        `SELECT "article_id", count(*)::int AS "count" FROM "comment"
         WHERE "article_id" = ANY($1::uuid[]) AND "status" = 'APPROVED' AND "created_at" >= $2 GROUP BY "article_id"`,
        [ids, new Date(now.getTime() - 7 * 24 * 3_600_000 + 1)],
      ),
    ]);
    const commentCounts = new Map(comments.map((row) => [row.article_id, row.count]));
    return rows.map((row, index) => ({
      articleId: row.id,
      rank: index + 1,
      score: Number(row.score),
      views24h: day.get(row.id) ?? 0,
      views7d: week.get(row.id) ?? 0,
      comments7d: commentCounts.get(row.id) ?? 0,
    }));
  }

  /** Views of these articles in `window`. */
  async viewsOf(articleIds: readonly string[], window: PopularityWindow, now = new Date()): Promise<Map<string, number>> {
    const parameters: unknown[] = [];
    const views = this.viewsInWindowSql(window, now, parameters, articleIds);
    const rows = await this.sql.rows<{ article_id: string; views: number }>(views, parameters, { plan: 'fresh' });
    return new Map(rows.map((row) => [row.article_id, row.views]));
  }

  private rankedSql(grouping: Grouping, window: PopularityWindow, sectionSlug: string | null, now: Date, parameters: unknown[]): string {
    const views = this.viewsInWindowSql(window, now, parameters);
    const group = GROUP_COLUMN[grouping];
    let sectionFilter = '';
    if (sectionSlug) {
      parameters.push(sectionSlug);
      sectionFilter = `AND "a"."section_id" = (SELECT "id" FROM "section" WHERE "slug" = $${parameters.length})`;
    }
    return `SELECT ${group} AS "id", sum("w"."views")::int AS "views",
                   row_number() OVER (ORDER BY sum("w"."views") DESC, ${group} DESC) AS "rank"
            FROM (${views}) "w" JOIN "article" "a" ON "a"."id" = "w"."article_id"
            WHERE ${group} IS NOT NULL ${sectionFilter}
            GROUP BY ${group}`;
  }

  /**
   * SQL for (article_id, views) in `window`, appending its parameters to `parameters`; `articleIds` narrows it.
   * Only articles with views appear. With rollups it reads whichever is current in the statement's own snapshot:
   * popularity_window less its expired views while it is fresh (totals_state has a row), else the raw, hourly and
   * daily tiers (see windows.ts for the cut).
   */
  private viewsInWindowSql(window: PopularityWindow, now: Date, parameters: unknown[], articleIds?: readonly string[]): string {
    const param = (value: unknown) => `$${parameters.push(value)}`;
    const bounds = windowBounds(window, now);
    const ids = articleIds ? param(articleIds) : null;
    const only = (column: string) => (ids ? `AND ${column} = ANY(${ids}::uuid[])` : '');
    const start = param(bounds.start);
    if (this.source === 'raw') {
      return `SELECT "article_id", count(*)::int AS "views" FROM "article_view" WHERE "viewed_at" >= ${start} ${only('"article_id"')} GROUP BY "article_id"`;
    }
    const fresh = `EXISTS (SELECT FROM totals_state)`;
    const firstFullHour = param(bounds.firstFullHour);
    return `WITH totals_state AS (
              SELECT "as_of" FROM "popularity_state" WHERE "as_of" <= ${param(now)} AND "as_of" > ${param(new Date(now.getTime() - WINDOW_TOTALS_MAX_AGE_MS))}
            ),
            expired AS (${expiredViewsSql(window, now, param, `(SELECT "as_of" FROM totals_state)`)} )
            SELECT "article_id", sum("views")::int AS "views" FROM (
              SELECT "article_id", "views" FROM "popularity_window" WHERE "window" = ${param(window)} AND ${fresh} ${only('"article_id"')}
              UNION ALL
              SELECT "article_id", -"views" FROM expired WHERE true ${only('"article_id"')}
              UNION ALL
              SELECT "article_id", count(*) FROM "article_view"
              WHERE NOT ${fresh} AND "viewed_at" >= ${start} AND "viewed_at" < ${firstFullHour} ${only('"article_id"')} GROUP BY "article_id"
              UNION ALL
              SELECT "article_id", sum("views") FROM "article_view_hourly"
              WHERE NOT ${fresh} AND "hour" >= ${firstFullHour} AND ("hour" < ${param(bounds.firstFullDay)} OR "hour" >= ${param(bounds.today)}) ${only('"article_id"')}
              GROUP BY "article_id"
              UNION ALL
              SELECT "article_id", sum("views") FROM "article_view_daily"
              WHERE NOT ${fresh} AND "day" >= ${param(utcDay(bounds.firstFullDay))}::date AND "day" < ${param(utcDay(bounds.today))}::date ${only('"article_id"')}
              GROUP BY "article_id"
            ) "parts" GROUP BY "article_id" HAVING sum("views") > 0`;
  }
}

/** A condition on article "a": in the section with this slug (nothing when there is none). */
function inSectionSql(sectionSlug: string | null, param: (value: unknown) => string): string {
  return sectionSlug ? `AND "a"."section_id" = (SELECT "id" FROM "section" WHERE "slug" = ${param(sectionSlug)})` : '';
}

/**
 * (article_id, views) counted in popularity_window as of `asOf` (an SQL expression) that have left `window` by `now`:
 * the raw events of [asOf - window, window start). No rows when asOf is null. The second lower bound is implied by
 * asOf's age limit; spelt out, it tells the planner how few rows to expect.
 */
function expiredViewsSql(window: PopularityWindow, now: Date, param: (value: unknown) => string, asOf: string): string {
  const start = windowBounds(window, now).start;
  return `SELECT "article_id", count(*)::int AS "views" FROM "article_view"
          WHERE "viewed_at" >= ${asOf}::timestamptz - ${param(windowLengthSql(window))}::interval
            AND "viewed_at" >= ${param(new Date(start.getTime() - WINDOW_TOTALS_MAX_AGE_MS))} AND "viewed_at" < ${param(start)}
          GROUP BY "article_id"`;
}
