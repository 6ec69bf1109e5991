import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import type { Author } from '../author/author.entity';
import { Role } from './role';

/** A staff member's API token. The token itself is shown once, at creation; only its SHA-256 hash is kept. */
@Entity('api_token')
@ObjectType({ description: 'A staff API token (never the token itself).', simpleResolvers: true })
export class ApiToken {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'api_token_pkey' })
  @Field(() => ID)
  id: string;

  @Column({ type: 'varchar', length: 120 })
  @Field(() => String, { description: 'Whose token this is, as shown in the audit log.' })
  name: string;

  @Column({ type: 'enum', enum: Role, enumName: 'staff_role' })
  @Field(() => Role)
  role: Role;

  @Index('api_token_hash_key', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  /** For AUTHOR tokens: the byline whose articles the token may write. */
  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  @Field(() => ID, { nullable: true })
  authorId: string | null;

  @ManyToOne('Author', { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'api_token_author_id_fkey' })
  author?: Author | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field(() => Date)
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true, description: 'To the minute.' })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;
}
