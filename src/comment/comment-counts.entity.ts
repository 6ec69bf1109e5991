import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import type { Article } from '../article/article.entity';

/**
 * How many visible comments an article has, kept by the database (with Comment.replyCount): after every statement
 * that inserts or deletes comments or changes their status or place, the trigger comment_counts_refresh (migration
 * CommentCounts, its rule of visibility from CommentVisibleSubtrees) counts again, from the comments themselves, for
 * each article and parent comment the statement touched. A front page shows twenty comment counts and a hundred reply
 * counts; counting them on every read cost PostgreSQL about a third of its time for the page. The application only
 * reads them. No row: no comments.
 */
@Entity({ name: 'article_comment_count' })
export class ArticleCommentCount {
  @PrimaryColumn({ name: 'article_id', type: 'uuid', primaryKeyConstraintName: 'article_comment_count_pkey' })
  articleId: string;

  @OneToOne('Article', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'article_comment_count_article_id_fkey' })
  article?: Article;

  /**
   * Comments a reader can see (what Article.commentCount shows): approved, with every comment above them approved
   * too. A comment taken down hides its whole subtree, as the thread does (it reaches replies only through their
   * parents). Counted by the SQL function comment_visible_count.
   */
  @Column({ type: 'int', default: 0 })
  visible: number;

  /** Approved top-level comments (the thread's totalCount). */
  @Column({ name: 'top_level', type: 'int', default: 0 })
  topLevel: number;
}
