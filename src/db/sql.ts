import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { SLOW_STATEMENT_MS } from './data-source';
import type { SqlStatementCounter } from './sql-statement-counter';

/** Distinct statement texts prepared on each connection, at most: the application's own... */
export const MAX_PREPARED_STATEMENTS = 500;
/** ...and those whose text follows a client's query (direct reads: one per query shape), which clients choose. */
export const MAX_CLIENT_SHAPED_STATEMENTS = 100;

/**
 * Read statements on the hot path (every list, loader and search) as named prepared statements on the DataSource's own
 * pg pool. PostgreSQL then parses each statement once per connection and can reuse its plan, where TypeORM's
 * query() would re-parse and re-plan it on every request; planning cost more than executing for most of these.
 * Writes and transactions stay with TypeORM.
 */
export class Sql {
  private readonly names = new Map<string, string>();
  private readonly clientShapedNames = new Map<string, string>();
  private readonly pool: Pool;

  constructor(
    dataSource: DataSource,
    private readonly counter: SqlStatementCounter | null,
    /** False: plain (unnamed) statements, for poolers and the embedded database. */
    private readonly prepare: boolean,
    /** Connections set to plan_cache_mode=force_generic_plan, for `plan: 'generic'` statements (none: the main pool). */
    private readonly genericPlans: Pool | null = null,
    private readonly maxPrepared = { own: MAX_PREPARED_STATEMENTS, clientShaped: MAX_CLIENT_SHAPED_STATEMENTS },
  ) {
    this.pool = (dataSource.driver as PostgresDriver).master as Pool;
  }

  /**
   * Runs one statement; `text` must be fixed SQL with $n placeholders (values never go into the text). `plan`:
   * - 'cached' (default): prepared; PostgreSQL chooses between a cached generic plan and one made for the values.
   * - 'fresh': never prepared, so planned with the actual values every time. For statements whose best plan depends
   *   on the values (which parts of a popularity window are empty), where a cached generic plan ran several times
   *   slower than planning afresh.
   * - 'generic': prepared on connections that always use the cached generic plan. For a statement written so that its
   *   generic plan is good but whose custom plans PostgreSQL keeps preferring (planning then costs more than running).
   * `clientShaped`: the text follows the shape of a client's query (direct reads), so clients choose how many distinct
   * texts there are: those have a budget of prepared statements of their own (see nameOf).
   */
  async rows<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values: readonly unknown[],
    { plan = 'cached', clientShaped = false }: { plan?: 'cached' | 'fresh' | 'generic'; clientShaped?: boolean } = {},
  ): Promise<R[]> {
    this.counter?.logQuery();
    const startedAt = performance.now();
    try {
      const pool = plan === 'generic' && this.genericPlans ? this.genericPlans : this.pool;
      const name = this.prepare && plan !== 'fresh' ? this.nameOf(text, clientShaped) : null;
      const result = name ? await pool.query<R>({ name, text, values: values as unknown[] }) : await this.pool.query<R>(text, values as unknown[]);
      const elapsed = performance.now() - startedAt;
      if (elapsed > SLOW_STATEMENT_MS) this.counter?.logQuerySlow(Math.round(elapsed), text);
      return result.rows;
    } catch (error) {
      this.counter?.logQueryError(error as Error, text, values as unknown[]);
      throw error;
    }
  }

  /** How many distinct statements are prepared (on each connection that ran them). */
  get preparedCount(): { own: number; clientShaped: number } {
    return { own: this.names.size, clientShaped: this.clientShapedNames.size };
  }

  /** Closes the generic-plan connections (the main pool is the DataSource's to close). */
  async close(): Promise<void> {
    await this.genericPlans?.end();
  }

  /**
   * The prepared statement's name, or null past the budget of distinct texts. Each connection keeps every statement
   * it prepared (with its plan), so their number is bounded; past it, statements run unprepared. Texts shaped by
   * clients' queries have their own, smaller budget, so that a client sending many query shapes cannot use up the
   * application's own.
   */
  private nameOf(text: string, clientShaped: boolean): string | null {
    const names = clientShaped ? this.clientShapedNames : this.names;
    let name = names.get(text);
    if (!name) {
      if (names.size >= (clientShaped ? this.maxPrepared.clientShaped : this.maxPrepared.own)) return null;
      name = `masthead_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      names.set(text, name);
    }
    return name;
  }
}
