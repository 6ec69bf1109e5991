import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';

/** One editorial or moderation action: who, what, when, and a summary of before and after. */
@Entity('audit_entry')
@Index('audit_entry_recent_idx', ['createdAt', 'id'])
@ObjectType({ description: 'One editorial or moderation action.', simpleResolvers: true })
export class AuditEntry {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'audit_entry_pkey' })
  @Field(() => ID)
  id: string;

  /** The token used (kept when the token is revoked; null only if the token row is deleted). */
  @Column({ name: 'actor_token_id', type: 'uuid', nullable: true })
  actorTokenId: string | null;

  @Column({ name: 'actor_name', type: 'varchar', length: 120 })
  @Field(() => String)
  actorName: string;

  @Column({ name: 'actor_role', type: 'varchar', length: 20 })
  @Field(() => String)
  actorRole: string;

  /** What was done, e.g. article.publish, comment.moderate, token.revoke. */
  @Column({ type: 'varchar', length: 60 })
  @Field(() => String)
  action: string;

  @Column({ name: 'subject_type', type: 'varchar', length: 40 })
  @Field(() => String)
  subjectType: string;

  @Column({ name: 'subject_id', type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true })
  subjectId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The fields that changed, before the action.' })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The same fields after it.' })
  after: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field(() => Date)
  createdAt: Date;
}
