import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { Article } from '../article/article.entity';

export enum NewsletterStatus {
  PENDING = 'PENDING',
  CONFIRMED = 'CONFIRMED',
  UNSUBSCRIBED = 'UNSUBSCRIBED',
}

registerEnumType(NewsletterStatus, { name: 'NewsletterStatus', description: 'Where a newsletter sign-up stands (double opt-in).' });

/**
 * One subscription per address as addresses compare (emailKeySql: the whole address lower-cased), even under
 * concurrent sign-ups. An expression index, so it is written by hand in the migration.
 */
export const NEWSLETTER_EMAIL_INDEX = 'newsletter_email_lower_key';

/** A newsletter sign-up. The address and the tokens are private; tokens are stored only as SHA-256 hashes. */
@Entity('newsletter_subscription')
@Index(NEWSLETTER_EMAIL_INDEX, { synchronize: false })
@Index('newsletter_confirmation_token_idx', ['confirmationTokenHash'], { unique: true, where: `"confirmation_token_hash" IS NOT NULL` })
@Index('newsletter_unsubscribe_token_idx', ['unsubscribeTokenHash'], { unique: true })
@Index('newsletter_source_article_idx', ['sourceArticleId'], { where: `"source_article_id" IS NOT NULL` })
// Sign-ups by article over a window (analytics).
@Index('newsletter_created_at_idx', ['createdAt'])
@ObjectType('NewsletterSubscription', { description: 'A newsletter sign-up, as its holder sees it through a token.', simpleResolvers: true })
export class NewsletterSubscription {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'newsletter_subscription_pkey' })
  @Field(() => ID)
  id: string;

  /**
   * Normalised (normaliseEmail): trimmed, domain lower-cased and in punycode, the local part as typed by whoever last
   * got a confirmation link for it. Unique as addresses compare (NEWSLETTER_EMAIL_INDEX).
   */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'enum', enum: NewsletterStatus, enumName: 'newsletter_status', default: NewsletterStatus.PENDING })
  @Field(() => NewsletterStatus)
  status: NewsletterStatus;

  @Column({ name: 'confirmation_token_hash', type: 'char', length: 64, nullable: true })
  confirmationTokenHash: string | null;

  @Column({ name: 'confirmation_expires_at', type: 'timestamptz', precision: 3, nullable: true })
  confirmationExpiresAt: Date | null;

  @Column({ name: 'unsubscribe_token_hash', type: 'char', length: 64 })
  unsubscribeTokenHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field(() => Date)
  createdAt: Date;

  @Column({ name: 'confirmed_at', type: 'timestamptz', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  confirmedAt: Date | null;

  @Column({ name: 'unsubscribed_at', type: 'timestamptz', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  unsubscribedAt: Date | null;

  /** Attribution: the article whose "Subscribe" box was used. */
  @Column({ name: 'source_article_id', type: 'uuid', nullable: true })
  sourceArticleId: string | null;

  @ManyToOne('Article', { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'source_article_id', foreignKeyConstraintName: 'newsletter_source_article_id_fkey' })
  sourceArticle?: Article | null;

  /** Attribution: the page the reader came from (the Referer of the sign-up request), trimmed to 500 characters. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  referrer: string | null;
}

/**
 * The unsubscribe links of subscriptions merged into another when addresses came to compare case-insensitively
 * (migration EmailCaseInsensitive): mails already sent carry them, and they unsubscribe the subscription that was kept.
 */
@Entity('newsletter_merged_unsubscribe')
export class NewsletterMergedUnsubscribe {
  @PrimaryColumn({ name: 'unsubscribe_token_hash', type: 'char', length: 64, primaryKeyConstraintName: 'newsletter_merged_unsubscribe_pkey' })
  unsubscribeTokenHash: string;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId: string;

  @ManyToOne('NewsletterSubscription', { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subscription_id', foreignKeyConstraintName: 'newsletter_merged_unsubscribe_subscription_id_fkey' })
  subscription?: NewsletterSubscription;
}
