import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { publicArticles, type ContentChanges } from './content-changes';

/** Longest wait between looks at the schedule (another instance may have scheduled something sooner). */
const LONGEST_WAIT_MS = 60_000;

/**
 * A scheduled article needs no job to go live: readers see it once its publishedAt has passed. Cached lists do need
 * telling, at that moment, or they would miss it until they expire. This wakes up when the next scheduled article is
 * due (by the database's clock) and reports every article that came due since it last looked as newly public.
 */
export class ScheduledPublications {
  private timer: NodeJS.Timeout | null = null;
  private checkedUpTo: Date | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: ContentChanges,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    void this.check();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Looks again now (after a schedule changed here: the next due time may be sooner than the timer). */
  reschedule(): void {
    if (!this.stopped) void this.check();
  }

  /** Reports the articles that came due since the last look, then sleeps until the next one is due. */
  check(): Promise<void> {
    this.running ??= this.look()
      .catch((error: unknown) => this.log.warn({ err: error }, 'checking for scheduled articles coming due failed'))
      .finally(() => {
        this.running = null;
        this.sleep().catch((error: unknown) => this.log.warn({ err: error }, 'reading the next scheduled publication failed'));
      });
    return this.running;
  }

  private async look(): Promise<void> {
    const [{ now }] = (await this.dataSource.query(`SELECT now() AS "now"`)) as { now: Date }[];
    if (this.checkedUpTo) {
      const due: { id: string }[] = await this.dataSource.query(
        `SELECT "id" FROM "article" WHERE "status" = 'SCHEDULED' AND "published_at" > $1 AND "published_at" <= $2`,
        [this.checkedUpTo, now],
      );
      if (due.length) {
        const states = await publicArticles(this.dataSource.manager, due.map((row) => row.id));
        for (const state of states.values()) await this.changes.articleChanged(null, state);
        this.log.info({ articles: states.size }, 'scheduled articles went live');
      }
    }
    this.checkedUpTo = now;
  }

  private async sleep(): Promise<void> {
    if (this.stopped) return;
    const [{ waitMs }] = (await this.dataSource.query(
      `SELECT ceil(extract(epoch FROM min("published_at") - now()) * 1000)::float8 AS "waitMs" FROM "article" WHERE "status" = 'SCHEDULED' AND "published_at" > now()`,
    )) as { waitMs: number | null }[];
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    // A few milliseconds late, so that the article is due by the time the database looks.
    this.timer = setTimeout(() => void this.check(), Math.min(LONGEST_WAIT_MS, Math.max(0, waitMs ?? LONGEST_WAIT_MS) + 5));
    this.timer.unref();
  }
}
