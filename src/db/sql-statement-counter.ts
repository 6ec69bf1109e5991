import type { Logger as TypeOrmLogger, QueryRunner } from 'typeorm';
import type { Logger } from 'pino';

/**
 * TypeORM logger that counts every SQL statement the gateway sends (tests assert batching with it; the benchmark
 * reports statements per request) and sends slow or failed statements to the structured log. SQL text only ever goes
 * to the server log, never to a client.
 */
export class SqlStatementCounter implements TypeOrmLogger {
  private count = 0;

  constructor(private readonly appLog: Logger) {}

  /** Statements sent since start-up. */
  get total(): number {
    return this.count;
  }

  logQuery(): void {
    this.count += 1;
  }

  logQueryError(error: string | Error, query: string, parameters?: unknown[], _queryRunner?: QueryRunner): void {
    this.appLog.warn({ err: error, query, parameterCount: parameters?.length ?? 0 }, 'SQL statement failed');
  }

  /** Called by TypeORM for statements slower than the DataSource's maxQueryExecutionTime. */
  logQuerySlow(time: number, query: string): void {
    this.appLog.warn({ durationMs: time, query }, 'slow SQL statement');
  }

  logSchemaBuild(message: string): void {
    this.appLog.debug(message);
  }

  logMigration(message: string): void {
    this.appLog.info(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.appLog.warn({ typeorm: message });
    else this.appLog.debug({ typeorm: message });
  }
}
