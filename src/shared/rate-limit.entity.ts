import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The table rate-limiter-flexible keeps its counters in when they live in PostgreSQL (RateLimiterPostgres's own
 * layout). Declared here so the migration creates it and the library never has to.
 */
@Entity('rate_limit')
export class RateLimitCounter {
  @PrimaryColumn({ type: 'varchar', length: 255, primaryKeyConstraintName: 'rate_limit_pkey' })
  key: string;

  @Column({ type: 'integer', default: 0 })
  points: number;

  @Column({ type: 'bigint', nullable: true })
  expire: string | null;
}
