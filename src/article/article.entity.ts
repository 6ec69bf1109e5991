import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Author } from '../author/author.entity';
import { Section } from '../taxonomy/section.entity';
import { Tag } from '../taxonomy/tag.entity';

export enum ArticleStatus {
  DRAFT = 'DRAFT',
  SCHEDULED = 'SCHEDULED',
  PUBLISHED = 'PUBLISHED',
  ARCHIVED = 'ARCHIVED',
}

registerEnumType(ArticleStatus, {
  name: 'ArticleStatus',
  description: 'Where an article is in its life. The public sees PUBLISHED ones, and SCHEDULED ones once publishedAt has passed.',
});

/** The statuses that can be public, as SQL over `column` (see publicArticleSql). */
export function canBePublicSql(column = '"status"'): string {
  return `${column} IN ('PUBLISHED', 'SCHEDULED')`;
}

/** Predicate of the partial indexes behind public lists. */
const PUBLIC_STATUS_PREDICATE = canBePublicSql();

/**
 * Title weighs most, then the standfirst, then the body with its HTML tags stripped.
 * Kept by PostgreSQL itself (a STORED generated column), so it can never drift from the text.
 */
export const SEARCH_VECTOR_EXPRESSION =
  `setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A') || ` +
  `setweight(to_tsvector('english'::regconfig, coalesce("excerpt", '')), 'B') || ` +
  `setweight(to_tsvector('english'::regconfig, regexp_replace("body", '<[^>]*>', ' ', 'g')), 'C')`;

/**
 * Words in the body: tags and entities removed, punctuation dropped, whitespace-separated tokens counted. Kept by
 * PostgreSQL like the search vector, so lists can show reading times without parsing any HTML per request.
 */
export const WORD_COUNT_EXPRESSION =
  `coalesce(array_length(array_remove(regexp_split_to_array(` +
  `regexp_replace(regexp_replace(regexp_replace("body", '<[^>]*>', ' ', 'g'), '&[#a-zA-Z0-9]+;', ' ', 'g'), '[[:punct:]–—‘’“”…«»]+', '', 'g'), ` +
  `'\\s+'), ''), 1), 0)`;

@Entity('article')
@Check('article_public_has_published_at', `${PUBLIC_STATUS_PREDICATE.replace('IN', 'NOT IN')} OR "published_at" IS NOT NULL`)
@Index('article_public_by_date_idx', ['publishedAt', 'id'], { where: PUBLIC_STATUS_PREDICATE })
@Index('article_public_by_section_idx', ['sectionId', 'publishedAt', 'id'], { where: PUBLIC_STATUS_PREDICATE })
@Index('article_public_by_author_idx', ['authorId', 'publishedAt', 'id'], { where: PUBLIC_STATUS_PREDICATE })
@ObjectType({ description: 'A story: headline, standfirst, body and byline.', simpleResolvers: true })
export class Article {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'article_pkey' })
  @Field(() => ID)
  id: string;

  @Index('article_slug_key', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  @Field(() => String)
  slug: string;

  @Column({ type: 'varchar', length: 300 })
  @Field(() => String)
  title: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  @Field(() => String, { nullable: true, description: 'The standfirst: one or two sentences under the headline.' })
  excerpt: string | null;

  /**
   * Sanitised HTML. Exposed through ArticleResolver.body, which can also render plain text. Undefined on articles read
   * as list teasers (lists leave the body out; the resolver loads it when asked).
   */
  @Column({ type: 'text' })
  body?: string;

  @Column({ type: 'enum', enum: ArticleStatus, enumName: 'article_status', default: ArticleStatus.DRAFT })
  @Field(() => ArticleStatus, { description: 'PUBLISHED or SCHEDULED (and due) for the public; any status in an editor preview.' })
  status: ArticleStatus;

  @Column({ name: 'published_at', type: 'timestamptz', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  publishedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  @Field(() => Date)
  updatedAt: Date;

  /** Bumped by every edit; updateArticle must name the version it edited (optimistic concurrency). */
  @Column({ type: 'integer', default: 1 })
  @Field(() => Int, { description: 'Send it back with updateArticle: a stale version is refused (CONFLICT).' })
  version: number;



  @Column({ name: 'author_id', type: 'uuid' })
  authorId: string;

  @ManyToOne(() => Author, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'article_author_id_fkey' })
  author?: Author;

  @Column({ name: 'section_id', type: 'uuid', nullable: true })
  sectionId: string | null;

  @ManyToOne(() => Section, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'section_id', foreignKeyConstraintName: 'article_section_id_fkey' })
  section?: Section | null;

  @ManyToMany(() => Tag)
  @JoinTable({
    name: 'article_tag',
    joinColumn: { name: 'article_id', referencedColumnName: 'id', foreignKeyConstraintName: 'article_tag_article_id_fkey' },
    inverseJoinColumn: { name: 'tag_id', referencedColumnName: 'id', foreignKeyConstraintName: 'article_tag_tag_id_fkey' },
  })
  tags?: Tag[];

  @Column({ name: 'comments_open', type: 'boolean', default: true })
  @Field(() => Boolean, { description: 'Whether readers may comment.' })
  commentsOpen: boolean;

  @Column({ name: 'featured_image_url', type: 'varchar', length: 1000, nullable: true })
  featuredImageUrl: string | null;

  @Column({ name: 'featured_image_alt', type: 'varchar', length: 500, nullable: true })
  featuredImageAlt: string | null;

  @Column({ name: 'featured_image_caption', type: 'varchar', length: 1000, nullable: true })
  featuredImageCaption: string | null;

  @Column({
    name: 'word_count',
    type: 'integer',
    insert: false,
    update: false,
    generatedType: 'STORED',
    asExpression: WORD_COUNT_EXPRESSION,
  })
  @Field(() => Int)
  wordCount: number;

  @Index('article_search_vector_idx', { synchronize: false }) // a GIN index, created by hand in the migration
  @Column({
    name: 'search_vector',
    type: 'tsvector',
    select: false,
    insert: false,
    update: false,
    generatedType: 'STORED',
    asExpression: SEARCH_VECTOR_EXPRESSION,
  })
  searchVector?: string;
}
