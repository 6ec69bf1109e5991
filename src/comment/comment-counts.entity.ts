import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import type { Article } from '../article/article.entity';
import type { Comment } from './comment.entity';

/*
 * Comment counts kept by the database. After every statement that inserts, updates (status or place) or deletes
 * comments, the trigger comment_counts_refresh (migration CommentCounts) counts again, from the comments themselves,
 * for each article and parent comment the statement touched. A front page shows twenty comment counts and a hundred
 * reply counts; counting them on every read cost PostgreSQL about a third of its time for the page. The application
 * only reads these tables.
 */

/** How many visible comments an article has. No row: none. */
@Entity({ name: 'article_comment_count' })
export class ArticleCommentCount {
  @PrimaryColumn({ name: 'article_id', type: 'uuid', primaryKeyConstraintName: 'article_comment_count_pkey' })
  articleId: string;

  @OneToOne('Article', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'article_comment_count_article_id_fkey' })
  article?: Article;

  /** Approved comments and replies whose parent is approved too (what Article.commentCount shows). */
  @Column({ type: 'int', default: 0 })
  visible: number;

  /** Approved top-level comments (the thread's totalCount). */
  @Column({ name: 'top_level', type: 'int', default: 0 })
  topLevel: number;
}

/** How many approved direct replies a comment has. No row: none. */
@Entity({ name: 'comment_reply_count' })
export class CommentReplyCount {
  @PrimaryColumn({ name: 'comment_id', type: 'uuid', primaryKeyConstraintName: 'comment_reply_count_pkey' })
  commentId: string;

  @OneToOne('Comment', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'comment_id', foreignKeyConstraintName: 'comment_reply_count_comment_id_fkey' })
  comment?: Comment;

  @Column({ type: 'int', default: 0 })
  approved: number;
}
