import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';

@Entity('tag')
@ObjectType({ description: 'A topic label; an article carries any number of tags.', simpleResolvers: true })
export class Tag {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'tag_pkey' })
  @Field(() => ID)
  id: string;

  @Index('tag_slug_key', { unique: true })
  @Column({ type: 'varchar', length: 120 })
  @Field(() => String)
  slug: string;

  @Column({ type: 'varchar', length: 200 })
  @Field(() => String)
  name: string;
}
