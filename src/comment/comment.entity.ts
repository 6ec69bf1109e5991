import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { Article } from '../article/article.entity';

export enum CommentStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  SPAM = 'SPAM',
  TRASH = 'TRASH',
}

registerEnumType(CommentStatus, { name: 'CommentStatus', description: 'Moderation state. The public sees APPROVED comments only.' });

@Entity('comment')
// "Approved top-level comments of an article, oldest first": the article page's thread.
@Index('comment_article_thread_idx', ['articleId', 'createdAt', 'id'], { where: `"status" = 'APPROVED' AND "parent_id" IS NULL` })
// Replies of a comment by status, oldest first; also serves the parent foreign key's cascade.
@Index('comment_parent_status_idx', ['parentId', 'status', 'createdAt', 'id'])
// Counts per article and status, answered from the index alone (parent_id tells comments from replies); also serves
// the article foreign key's cascade.
@Index('comment_article_status_idx', ['articleId', 'status', 'parentId'])
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

  @Column({ name: 'author_name', type: 'varchar', length: 245 })
  @Field(() => String)
  authorName: string;

  /** Private: never a field of the public Comment type. */
  @Column({ name: 'author_email', type: 'varchar', length: 254 })
  authorEmail: string;

  @Column({ type: 'text' })
  @Field(() => String)
  body: string;

  @Column({ type: 'enum', enum: CommentStatus, enumName: 'comment_status', default: CommentStatus.PENDING })
  status: CommentStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field(() => Date)
  createdAt: Date;
}
