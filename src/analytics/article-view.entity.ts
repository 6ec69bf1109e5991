import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Article } from '../article/article.entity';

/**
 * One counted view: a visitor's first view of an article within the dedupe window (repeats, bots and views of
 * unknown articles are never stored). Kept for VIEW_RETENTION_DAYS, then pruned; the rollups keep the counts.
 */
@Entity('article_view')
@Index('article_view_viewed_at_idx', ['viewedAt'])
@Index('article_view_article_viewed_at_idx', ['articleId', 'viewedAt'])
export class ArticleView {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS', primaryKeyConstraintName: 'article_view_pkey' })
  id: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @ManyToOne('Article', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'article_view_article_id_fkey' })
  article?: Article;

  /** HMAC of the app's visitorId, or of the client's address hash and user agent under that day's salt. */
  @Column({ name: 'visitor_hash', type: 'bytea' })
  visitorHash: Buffer;

  @Column({ name: 'viewed_at', type: 'timestamptz', precision: 3 })
  viewedAt: Date;

  /** Only the referring site (scheme and host): paths and query strings can carry personal data. */
  @Column({ name: 'referrer_host', type: 'varchar', length: 255, nullable: true })
  referrerHost: string | null;
}

/**
 * The last counted view of each visitor on each article: the dedupe window, decided row by row under the primary
 * key's lock (so two instances never both count the same repeat), and the memory behind unique-visitor counts.
 * Rows not counted for VIEW_RETENTION_DAYS are pruned; such a visitor then counts as new again.
 */
@Entity('article_visitor')
@Index('article_visitor_last_counted_at_idx', ['lastCountedAt'])
export class ArticleVisitor {
  @PrimaryColumn({ name: 'article_id', type: 'uuid', primaryKeyConstraintName: 'article_visitor_pkey' })
  articleId: string;

  @PrimaryColumn({ name: 'visitor_hash', type: 'bytea', primaryKeyConstraintName: 'article_visitor_pkey' })
  visitorHash: Buffer;

  @ManyToOne('Article', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'article_visitor_article_id_fkey' })
  article?: Article;

  @Column({ name: 'last_counted_at', type: 'timestamptz', precision: 3 })
  lastCountedAt: Date;

  /** The counted view before the last one: whether the last one opened a new hour or day for this visitor. */
  @Column({ name: 'previous_counted_at', type: 'timestamptz', precision: 3, nullable: true })
  previousCountedAt: Date | null;
}

/**
 * The random salt for one UTC day of address-based visitor hashes. Deleted after two days, after which nobody (not
 * even someone holding MASTHEAD_SECRET) can link those hashes back to an address.
 */
@Entity('visitor_salt')
export class VisitorSalt {
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'visitor_salt_pkey' })
  day: string;

  @Column({ type: 'bytea' })
  salt: Buffer;
}

/**
 * Counted views per article and client address in the current window (VIEW_DEDUPE_MINUTES from the first): at most
 * VIEWS_PER_CLIENT_ARTICLE, so that one address cannot inflate an article by sending new visitorIds. Decided row by row
 * under the primary key's lock in the recording statement, so instances share it. The address is kept only as the keyed
 * hash the rate limits use (ClientInfo.addressHash), and only until its window has passed (ViewService.prune).
 */
@Entity('article_client')
@Index('article_client_window_started_at_idx', ['windowStartedAt'])
export class ArticleClient {
  @PrimaryColumn({ name: 'article_id', type: 'uuid', primaryKeyConstraintName: 'article_client_pkey' })
  articleId: string;

  @PrimaryColumn({ name: 'client_hash', type: 'varchar', length: 64, primaryKeyConstraintName: 'article_client_pkey' })
  clientHash: string;

  @ManyToOne('Article', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'article_client_article_id_fkey' })
  article?: Article;

  @Column({ name: 'window_started_at', type: 'timestamptz', precision: 3 })
  windowStartedAt: Date;

  /** Views counted in the window. */
  @Column({ type: 'integer' })
  counted: number;

  /** How many of its views the last recording statement let count: the statement reads it back (RETURNING). */
  @Column({ name: 'last_grant', type: 'integer' })
  lastGrant: number;
}
