import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Article } from '../article/article.entity';

export enum CommentStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  SPAM = 'SPAM',
  TRASH = 'TRASH',
}

registerEnumType(CommentStatus, {
  name: 'CommentStatus',
  description: 'Moderation state. The public sees APPROVED comments; a reader with a viewer token also sees their own PENDING ones.',
});

/**
 * One comment per (article, parent, address, text) unless trashed: the database refuses the second copy even when
 * two arrive at once. An expression index, so it is written by hand in the migration.
 */
export const COMMENT_DUPLICATE_INDEX = 'comment_no_duplicate_idx';

@Entity('comment')
@Index(COMMENT_DUPLICATE_INDEX, { synchronize: false })
// Expression index on lower(author_email) for approved comments ("has this address been approved before?").
@Index('comment_approved_email_idx', { synchronize: false })
// "Approved top-level comments of an article, oldest first": the article page's thread.
@Index('comment_article_thread_idx', ['articleId', 'createdAt', 'id'], { where: `"status" = 'APPROVED' AND "parent_id" IS NULL` })
// Replies of a comment by status, oldest first; also serves the parent foreign key's cascade.
@Index('comment_parent_status_idx', ['parentId', 'status', 'createdAt', 'id'])
// A reader's own comments, found through their viewer token.
@Index('comment_viewer_key_idx', ['viewerKey'], { where: `"viewer_key" IS NOT NULL` })
// Counts per article and status, answered from the index alone (parent_id tells comments from replies); also serves
// the article foreign key's cascade.
@Index('comment_article_status_idx', ['articleId', 'status', 'parentId'])
// Comment activity over time (analytics).
@Index('comment_created_at_idx', ['createdAt'])
@ObjectType({ description: "A reader's comment or reply. Only approved comments are public.", simpleResolvers: true })
export class Comment {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'comment_pkey' })
  @Field(() => ID)
  id: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @ManyToOne('Article', { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'comment_article_id_fkey' })
  article?: Article;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId: string | null;

  @ManyToOne('Comment', { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'comment_parent_id_fkey' })
  parent?: Comment | null;

  /** As typed. The GraphQL field (raw or escaped for HTML) is CommentResolver.authorName. */
  @Column({ name: 'author_name', type: 'varchar', length: 245 })
  authorName: string;

  /** Private: never a field of the public Comment type. */
  @Column({ name: 'author_email', type: 'varchar', length: 254 })
  authorEmail: string;

  /** Private: the commenter's site, shown by the site as a link on their name if it chooses. */
  @Column({ name: 'author_url', type: 'varchar', length: 200, nullable: true })
  @Field(() => String, { nullable: true, description: "The commenter's website, http(s) only." })
  authorUrl: string | null;

  /** As typed. The GraphQL field (raw or as safe HTML) is CommentResolver.body. */
  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'enum', enum: CommentStatus, enumName: 'comment_status', default: CommentStatus.PENDING })
  @Field(() => CommentStatus)
  status: CommentStatus;

  /** 0 for a top-level comment, the parent's depth + 1 for a reply; capped by COMMENT_MAX_DEPTH. */
  @Column({ type: 'smallint', default: 0 })
  @Field(() => Int, { description: '0 for a top-level comment, 1 for a reply to it, and so on.' })
  depth: number;

  /** Private: the key inside the poster's viewer token, which lets them see and edit their own comments. */
  @Column({ name: 'viewer_key', type: 'uuid', nullable: true })
  viewerKey: string | null;

  /** Private: HMAC of the poster's IP address (never the address itself), for moderation of floods. */
  @Column({ name: 'ip_hash', type: 'char', length: 64, nullable: true })
  ipHash: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field(() => Date)
  createdAt: Date;

  @Column({ name: 'edited_at', type: 'timestamptz', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the poster last edited the comment, if ever.' })
  editedAt: Date | null;

  /**
   * Approved direct replies, kept by the database (see ArticleCommentCount); never written by the application. The
   * GraphQL field is CommentResolver.replyCount.
   */
  @Column({ name: 'reply_count', type: 'int', default: 0, insert: false, update: false })
  readonly replyCount: number;
}
