import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';

@Entity('section')
@ObjectType({ description: 'A desk of the newsroom, such as Politics, Culture or World. An article belongs to at most one.', simpleResolvers: true })
export class Section {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'section_pkey' })
  @Field(() => ID)
  id: string;

  @Index('section_slug_key', { unique: true })
  @Column({ type: 'varchar', length: 120 })
  @Field(() => String)
  slug: string;

  @Column({ type: 'varchar', length: 200 })
  @Field(() => String)
  name: string;
}
