import { randomUUID } from 'node:crypto';
import type { ContentChanges } from '../cache/content-changes';
import type { DataSource, EntityManager } from 'typeorm';
import { publicArticleSql } from '../article/article.service';
import { EntityRows } from '../db/rows';
import type { ClientInfo } from '../shared/client';
import { sha256Hex } from '../shared/crypto';
import { emailKeySql, normaliseEmail } from '../shared/email-address';
import { AppError, badInput, notFound } from '../shared/errors';
import { parseId } from '../shared/ids';
import { claimIdempotencyKey } from '../shared/idempotency';
import type { RateLimits, RateRule, RequestRateLimits } from '../shared/rate-limit';
import { optionalText } from '../shared/text';
import { Comment, CommentStatus } from './comment.entity';
import { moderate, type ModerationRules } from './comment.policy';
import type { ViewerTokens } from './viewer-token';

export interface CommentPostingRules extends ModerationRules {
  maxDepth: number;
  floodSeconds: number;
  editMinutes: number;
}

/** A comment as a reader submits it (already checked for lengths and characters by the input type). */
export interface NewComment {
  articleId: string;
  parentId?: string | null;
  authorName: string;
  authorEmail: string;
  body: string;
  authorUrl?: string | null;
  idempotencyKey?: string | null;
  viewerToken?: string | null;
  honeypot?: string | null;
}

export interface PostedComment {
  /** As stored, except that a honeypot catch reports the status it would have had. */
  comment: Comment;
  viewerToken: string;
  /** Readers can see it now (a replayed post changed nothing). */
  visible: boolean;
}

/**
 * What an idempotency record keeps of an answer, to give it again. Not the viewer token itself: a replay signs it
 * again from the viewer key and the first issue time, which gives the same token, so none sits in the database.
 */
interface StoredAnswer {
  commentId: string;
  reportedStatus: CommentStatus;
  tokenIssuedAt: number;
}

const NO_PARENT = '00000000-0000-0000-0000-000000000000';

/**
 * Readers' comments: posting (with validation of the thread, duplicate and flood checks, idempotency and the moderation
 * policy), and editing or deleting one's own within the edit window. Everything a post writes happens in one
 * transaction, rate-limit counters included, so a refused post leaves nothing behind.
 */
export class CommentPostingService {
  private readonly rows: EntityRows<Comment>;
  private readonly floodByClient: RateRule;
  private readonly floodByAddress: RateRule;

  constructor(
    private readonly dataSource: DataSource,
    private readonly rateLimits: RateLimits,
    private readonly viewerTokens: ViewerTokens,
    private readonly rules: CommentPostingRules,
    private readonly changes: ContentChanges,
  ) {
    this.rows = new EntityRows(dataSource, Comment);
    this.floodByClient = { name: 'comment:client', points: 1, durationSeconds: rules.floodSeconds };
    this.floodByAddress = { name: 'comment:address', points: 1, durationSeconds: rules.floodSeconds };
  }

  /**
   * Posts a comment or reply. Errors: NOT_FOUND (article), COMMENTS_CLOSED, BAD_USER_INPUT (parent, depth, ids),
   * DUPLICATE_COMMENT, RATE_LIMITED, IDEMPOTENCY_KEY_REUSED, INVALID_TOKEN/TOKEN_EXPIRED (viewer token).
   */
  async post(input: NewComment, client: ClientInfo): Promise<PostedComment> {
    const articleId = parseId(input.articleId, 'articleId');
    const parentId = input.parentId ? parseId(input.parentId, 'parentId') : null;
    const fields = {
      authorName: input.authorName.trim(),
      // Stored as the newsletter stores addresses, so that both compare the same way (emailKeySql).
      authorEmail: normaliseEmail(input.authorEmail, 'authorEmail'),
      body: input.body.trim(),
      authorUrl: optionalText(input.authorUrl),
    };
    const viewerKey = input.viewerToken ? await this.viewerTokens.verify(input.viewerToken) : randomUUID();
    const caughtByHoneypot = Boolean(input.honeypot?.trim());
    const posted = await this.rateLimits.inTransaction(this.dataSource, (manager, limits) =>
      this.insert(manager, input, fields, { articleId, parentId, viewerKey, caughtByHoneypot }, client, limits),
    );
    // Shown at once (COMMENT_DEFAULT_STATUS=APPROVED, or a known commenter): the article's thread and counts change.
    if (posted.visible) await this.changes.commentsChanged([articleId]);
    return posted;
  }

  /** The checks and the write of post(), inside its transaction. */
  private async insert(
    manager: EntityManager,
    input: NewComment,
    fields: { authorName: string; authorEmail: string; body: string; authorUrl: string | null },
    ids: { articleId: string; parentId: string | null; viewerKey: string; caughtByHoneypot: boolean },
    client: ClientInfo,
    limits: RequestRateLimits,
  ): Promise<PostedComment> {
    const { articleId, parentId, viewerKey, caughtByHoneypot } = ids;
    const claim = input.idempotencyKey
      ? await claimIdempotencyKey<StoredAnswer>(manager, 'addComment', input.idempotencyKey, {
          articleId,
          parentId,
          ...fields,
          honeypot: input.honeypot ?? null,
          viewerToken: input.viewerToken ?? null,
        })
      : null;
    if (claim?.replayed) return this.replay(manager, claim.response);

    const depth = await this.checkThread(manager, articleId, parentId);
    const emailKey = await this.emailKeyUnlessDuplicate(manager, articleId, parentId, fields.authorEmail, fields.body);
    await limits.consume(this.floodByClient, client.addressHash, manager);
    await limits.consume(this.floodByAddress, sha256Hex(emailKey), manager);

    const policyStatus = moderate(fields, await hasApprovedComment(manager, fields.authorEmail), this.rules);
    // A bot that filled the honeypot is told what a person would be told, and its comment is filed as spam.
    const status = caughtByHoneypot ? CommentStatus.SPAM : policyStatus;

    const inserted: Record<string, unknown>[] = await manager.query(
      `INSERT INTO "comment" ("article_id", "parent_id", "author_name", "author_email", "author_url", "body", "status", "depth", "viewer_key", "ip_hash")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT DO NOTHING
       RETURNING ${this.rows.returning('comment')}`,
      [articleId, parentId, fields.authorName, fields.authorEmail, fields.authorUrl, fields.body, status, depth, viewerKey, client.addressHash],
    );
    if (!inserted.length) throw duplicate();
    const comment = this.rows.require(inserted[0], 'comment');
    const tokenIssuedAt = Math.floor(Date.now() / 1000);
    await claim?.complete({ commentId: comment.id, reportedStatus: policyStatus, tokenIssuedAt });
    comment.status = policyStatus;
    return { comment, viewerToken: await this.viewerTokens.issue(viewerKey, tokenIssuedAt), visible: status === CommentStatus.APPROVED };
  }

  /** The reader's own comment, changed; it goes through moderation again. FORBIDDEN when not theirs or too late. */
  async editOwn(commentId: string, body: string, viewerToken: string): Promise<Comment> {
    const viewerKey = await this.viewerTokens.verify(viewerToken);
    const id = parseId(commentId, 'commentId');
    const edited = await this.dataSource.transaction(async (manager) => {
      const comment = await this.lockOwn(manager, id, viewerKey);
      const text = body.trim();
      const approved = await hasApprovedComment(manager, comment.authorEmail, comment.id);
      const policy = moderate({ authorName: comment.authorName, body: text, authorUrl: comment.authorUrl }, approved, this.rules);
      // An edit never promotes spam, and never lets a held comment skip moderation.
      const status =
        comment.status === CommentStatus.SPAM ? CommentStatus.SPAM : comment.status === CommentStatus.PENDING && policy === CommentStatus.APPROVED ? CommentStatus.PENDING : policy;
      try {
        // TypeORM answers an UPDATE with [rows, affected].
        const [updated] = (await manager.query(
          `UPDATE "comment" SET "body" = $2, "status" = $3, "edited_at" = now() WHERE "id" = $1 RETURNING ${this.rows.returning('comment')}`,
          [comment.id, text, status],
        )) as [Record<string, unknown>[], number];
        return this.rows.require(updated[0], 'comment');
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw duplicate();
        throw error;
      }
    });
    await this.changes.commentsChanged([edited.articleId]);
    return edited;
  }

  /** Deletes (trashes) the reader's own comment; FORBIDDEN when not theirs or too late. */
  async deleteOwn(commentId: string, viewerToken: string): Promise<string> {
    const viewerKey = await this.viewerTokens.verify(viewerToken);
    const id = parseId(commentId, 'commentId');
    const deleted = await this.dataSource.transaction(async (manager) => {
      const comment = await this.lockOwn(manager, id, viewerKey);
      await manager.query(`UPDATE "comment" SET "status" = 'TRASH' WHERE "id" = $1`, [comment.id]);
      return comment;
    });
    await this.changes.commentsChanged([deleted.articleId]);
    return deleted.id;
  }

  private async lockOwn(manager: EntityManager, id: string, viewerKey: string): Promise<Comment> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT ${this.rows.select('c')} FROM "comment" "c" WHERE "c"."id" = $1 AND "c"."status" <> 'TRASH' FOR UPDATE`,
      [id],
    );
    const comment = rows.length ? this.rows.require(rows[0], 'c') : null;
    if (!comment) throw notFound('There is no such comment.');
    if (comment.viewerKey !== viewerKey) throw new AppError('FORBIDDEN', 'You can only change your own comments.');
    if (Date.now() - comment.createdAt.getTime() > this.rules.editMinutes * 60_000) {
      throw new AppError('FORBIDDEN', `Comments can be changed for ${this.rules.editMinutes} minutes after posting.`);
    }
    return comment;
  }

  /** The article must be public and open for comments; a parent must be an approved comment of it. Returns the depth. */
  private async checkThread(manager: EntityManager, articleId: string, parentId: string | null): Promise<number> {
    const [article] = (await manager.query(`SELECT "a"."comments_open" FROM "article" "a" WHERE "a"."id" = $1 AND ${publicArticleSql('a')}`, [articleId])) as {
      comments_open: boolean;
    }[];
    if (!article) throw notFound('There is no published article with this id.');
    if (!article.comments_open) throw new AppError('COMMENTS_CLOSED', 'Comments are closed for this article.');
    if (!parentId) return 0;
    const [parent] = (await manager.query(`SELECT "depth" FROM "comment" WHERE "id" = $1 AND "article_id" = $2 AND "status" = 'APPROVED'`, [
      parentId,
      articleId,
    ])) as { depth: number }[];
    if (!parent) throw badInput('You can only reply to a published comment on the same article.', 'parentId');
    const depth = parent.depth + 1;
    if (depth > this.rules.maxDepth) throw badInput(`Replies can be nested at most ${this.rules.maxDepth} deep; reply further up the thread.`, 'parentId');
    return depth;
  }

  /** DUPLICATE_COMMENT for a copy of a comment already there; otherwise the address's comparison key (emailKeySql). */
  private async emailKeyUnlessDuplicate(manager: EntityManager, articleId: string, parentId: string | null, email: string, body: string): Promise<string> {
    // The same expressions as the comment_no_duplicate_idx index, which this lookup uses and which stops concurrent copies.
    const [row] = (await manager.query(
      `SELECT ${emailKeySql('$4::text')} AS "key", EXISTS (
         SELECT 1 FROM "comment"
         WHERE "article_id" = $1 AND coalesce("parent_id", $2::uuid) = coalesce($3::uuid, $2::uuid)
           AND ${emailKeySql('"author_email"')} = ${emailKeySql('$4::text')} AND md5("body") = md5($5) AND "status" <> 'TRASH'
       ) AS "duplicate"`,
      [articleId, NO_PARENT, parentId, email, body],
    )) as { key: string; duplicate: boolean }[];
    if (row.duplicate) throw duplicate();
    return row.key;
  }

  private async replay(manager: EntityManager, answer: StoredAnswer): Promise<PostedComment> {
    const rows: Record<string, unknown>[] = await manager.query(`SELECT ${this.rows.select('c')} FROM "comment" "c" WHERE "c"."id" = $1`, [answer.commentId]);
    if (!rows.length) throw notFound('The comment this request created no longer exists.');
    const comment = this.rows.require(rows[0], 'c');
    comment.status = answer.reportedStatus;
    return { comment, viewerToken: await this.viewerTokens.issue(comment.viewerKey ?? randomUUID(), answer.tokenIssuedAt), visible: false };
  }
}

function duplicate(): AppError {
  return new AppError('DUPLICATE_COMMENT', 'You have already posted this comment here.');
}

/** Approved comments of the address $1, through comment_approved_email_idx (an index on the same expression). */
const APPROVED_EMAIL_MATCH = `${emailKeySql('"author_email"')} = ${emailKeySql('$1::text')} AND "status" = 'APPROVED'`;

/** Whether this address already has an approved comment (other than `exceptId`): the trust the moderation rules use. */
async function hasApprovedComment(manager: EntityManager, authorEmail: string, exceptId?: string): Promise<boolean> {
  const [{ approved }] = exceptId
    ? await manager.query(
        `SELECT EXISTS (SELECT 1 FROM "comment" WHERE ${APPROVED_EMAIL_MATCH} AND "id" <> $2) AS "approved"`,
        [authorEmail, exceptId],
      )
    : await manager.query(`SELECT EXISTS (SELECT 1 FROM "comment" WHERE ${APPROVED_EMAIL_MATCH}) AS "approved"`, [
        authorEmail,
      ]);
  return approved;
}
