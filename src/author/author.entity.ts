import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';

@Entity('author')
@ObjectType({ description: 'A journalist or contributor with a byline.', simpleResolvers: true })
export class Author {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'author_pkey' })
  @Field(() => ID)
  id: string;

  @Index('author_slug_key', { unique: true })
  @Column({ type: 'varchar', length: 120 })
  @Field(() => String)
  slug: string;

  @Column({ type: 'varchar', length: 200 })
  @Field(() => String)
  name: string;

  @Column({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  bio: string | null;

  @Column({ name: 'avatar_url', type: 'varchar', length: 500, nullable: true })
  @Field(() => String, { nullable: true })
  avatarUrl: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field(() => Date)
  createdAt: Date;
}
