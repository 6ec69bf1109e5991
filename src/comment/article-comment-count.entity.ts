import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import type { Article } from '../article/article.entity';

/**
 * How many visible comments an article has, kept by the database: the trigger comment_counts (migration CommentCounts)
 * counts again, for each article a statement touched, after every insert, update or delete of comments. A front page
 * shows twenty counts; counting them on every read cost PostgreSQL more than the rest of the page. No row: none.
 */
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
