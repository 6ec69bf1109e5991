import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Article } from '../article/article.entity';

/**
 * Views per article per UTC hour, kept current in the same statement that stores the views. Popularity windows and
 * hourly series read these instead of the raw events. Kept for good.
 */
@Entity('article_view_hourly')
@Index('article_view_hourly_hour_idx', ['hour', 'articleId', 'views'])
export class ArticleViewHourly {
  @PrimaryColumn({ name: 'article_id', type: 'uuid', primaryKeyConstraintName: 'article_view_hourly_pkey' })
  articleId: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'article_view_hourly_pkey' })
  hour: Date;

  @ManyToOne('Article', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'article_view_hourly_article_id_fkey' })
  article?: Article;

  @Column({ type: 'int' })
  views: number;

  /** Visitors whose first counted view on the article in this hour fell in it. */
  @Column({ name: 'unique_visitors', type: 'int' })
  uniqueVisitors: number;
}

/** Views per article per UTC day: the long middle of a 7- or 30-day window, and daily and weekly series. */
@Entity('article_view_daily')
@Index('article_view_daily_day_idx', ['day', 'articleId', 'views'])
export class ArticleViewDaily {
  @PrimaryColumn({ name: 'article_id', type: 'uuid', primaryKeyConstraintName: 'article_view_daily_pkey' })
  articleId: string;

  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'article_view_daily_pkey' })
  day: string;

  @ManyToOne('Article', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'article_view_daily_article_id_fkey' })
  article?: Article;

  @Column({ type: 'int' })
  views: number;

  @Column({ name: 'unique_visitors', type: 'int' })
  uniqueVisitors: number;
}

/** All-time totals per article (Article.viewCount, articleStats). */
@Entity('article_view_total')
export class ArticleViewTotal {
  @PrimaryColumn({ name: 'article_id', type: 'uuid', primaryKeyConstraintName: 'article_view_total_pkey' })
  articleId: string;

  @ManyToOne('Article', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'article_view_total_article_id_fkey' })
  article?: Article;

  @Column({ type: 'int' })
  views: number;

  @Column({ name: 'unique_visitors', type: 'int' })
  uniqueVisitors: number;
}

/**
 * Views per article in each popularity window: the views since popularity_state.as_of minus the window. The recorder
 * adds each counted view; every minute the windows slide on to a new as_of, subtracting the views that left them
 * (PopularityService.refreshWindowTotals). A window ending now is then this total minus the minute or so of views
 * that have left it since as_of, and the most viewed articles are the first in this table's index.
 */
@Entity('popularity_window')
@Index('popularity_window_views_idx', ['window', 'views', 'articleId'])
export class PopularityWindowTotal {
  /** A PopularityWindow name. */
  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName: 'popularity_window_pkey' })
  window: string;

  @PrimaryColumn({ name: 'article_id', type: 'uuid', primaryKeyConstraintName: 'popularity_window_pkey' })
  articleId: string;

  @ManyToOne('Article', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'popularity_window_article_id_fkey' })
  article?: Article;

  @Column({ type: 'int' })
  views: number;
}

/**
 * The one row saying when popularity_window was last slid on (null: not built yet, read the tiers instead). Its row
 * lock orders a slide or rebuild against the recorder's additions: a slide holds it exclusively, each recording
 * statement shares it.
 */
@Entity('popularity_state')
@Check('popularity_state_single_row', '"id" = 1')
export class PopularityState {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'popularity_state_pkey' })
  id: number;

  @Column({ name: 'as_of', type: 'timestamptz', nullable: true })
  asOf: Date | null;
}
