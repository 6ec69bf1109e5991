import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** The first answer to a request sent with an idempotency key, so a retry gets the same answer and writes nothing. */
@Entity('idempotency_record')
@Index('idempotency_record_created_idx', ['createdAt'])
export class IdempotencyRecord {
  /** Which mutation the key belongs to. */
  @PrimaryColumn({ type: 'varchar', length: 60, primaryKeyConstraintName: 'idempotency_record_pkey' })
  operation: string;

  @PrimaryColumn({ type: 'varchar', length: 200, primaryKeyConstraintName: 'idempotency_record_pkey' })
  key: string;

  /** SHA-256 of the request's input: the same key with other input is refused. */
  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash: string;

  @Column({ type: 'jsonb', nullable: true })
  response: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
