import type { ContentChanges } from '../cache/content-changes';
import type { DataSource } from 'typeorm';
import { type AuditService, type Staff } from '../audit/audit.service';
import { EntityRows } from '../db/rows';
import { badInput, notFound } from '../shared/errors';
import { parseId } from '../shared/ids';
import { toPage, type CreatedPosition, type Page } from '../shared/pagination';
import { Comment, CommentStatus } from './comment.entity';

/** What a moderator does to a comment (registered as a GraphQL enum by the resolver). */
export enum ModerationAction {
  APPROVE = 'APPROVE',
  SPAM = 'SPAM',
  TRASH = 'TRASH',
  RESTORE = 'RESTORE',
}

const STATUS_AFTER: Record<ModerationAction, CommentStatus> = {
  APPROVE: CommentStatus.APPROVED,
  SPAM: CommentStatus.SPAM,
  TRASH: CommentStatus.TRASH,
  // Back to the queue: a person decides again.
  RESTORE: CommentStatus.PENDING,
};

export const MAX_MODERATED_AT_ONCE = 100;

/** A comment as moderators see it: with the commenter's address and the article's title. */
export interface CommentForModeration {
  comment: Comment;
  articleTitle: string;
}

/** The moderation queue and its decisions. Decisions are immediate: the public thread and counts are read live. */
export class CommentModerationService {
  private readonly rows: EntityRows<Comment>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly changes: ContentChanges,
  ) {
    this.rows = new EntityRows(dataSource, Comment);
  }

  /** Comments with `status`, oldest first (the order they arrived in), optionally of one article. */
  async queue(status: CommentStatus, articleId: string | null, first: number, after: CreatedPosition | null): Promise<Page<CommentForModeration>> {
    const parameters: unknown[] = [status, first + 1];
    const conditions = [`"c"."status" = $1`];
    if (articleId) {
      parameters.push(parseId(articleId, 'articleId'));
      conditions.push(`"c"."article_id" = $${parameters.length}`);
    }
    if (after) {
      parameters.push(after.createdAt, after.id);
      conditions.push(`("c"."created_at", "c"."id") > ($${parameters.length - 1}, $${parameters.length}::uuid)`);
    }
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${this.rows.select('c')}, "a"."title" AS "article_title"
       FROM "comment" "c" JOIN "article" "a" ON "a"."id" = "c"."article_id"
       WHERE ${conditions.join(' AND ')}
       ORDER BY "c"."created_at", "c"."id" LIMIT $2`,
      parameters,
    );
    return toPage(
      rows.map((row) => ({ comment: this.rows.require(row, 'c'), articleTitle: String(row.article_title) })),
      first,
    );
  }

  async count(status: CommentStatus, articleId: string | null): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS "count" FROM "comment" WHERE "status" = $1 AND ($2::uuid IS NULL OR "article_id" = $2::uuid)`,
      [status, articleId ? parseId(articleId, 'articleId') : null],
    );
    return row.count;
  }

  /**
   * Applies `action` to every comment in `ids` in one transaction: all or nothing (an unknown id is NOT_FOUND and
   * changes nothing). Each change is audited.
   */
  async moderate(ids: readonly string[], action: ModerationAction, actor: Staff): Promise<CommentForModeration[]> {
    if (ids.length === 0 || ids.length > MAX_MODERATED_AT_ONCE) throw badInput(`Moderate 1 to ${MAX_MODERATED_AT_ONCE} comments at a time.`, 'ids');
    const wanted = [...new Set(ids.map((id) => parseId(id, 'ids')))];
    const status = STATUS_AFTER[action];
    const moderated = await this.dataSource.transaction(async (manager) => {
      const current: { id: string; status: CommentStatus }[] = await manager.query(
        `SELECT "id", "status" FROM "comment" WHERE "id" = ANY($1::uuid[]) ORDER BY "id" FOR UPDATE`,
        [wanted],
      );
      if (current.length !== wanted.length) {
        const missing = wanted.filter((id) => !current.some((row) => row.id === id));
        throw notFound(`No comment has the id ${missing.join(', ')}; nothing was changed.`);
      }
      await manager.query(`UPDATE "comment" SET "status" = $2 WHERE "id" = ANY($1::uuid[])`, [wanted, status]);
      await this.audit.recordAll(
        manager,
        actor,
        current.map((row) => ({ action: 'comment.moderate', subjectType: 'comment', subjectId: row.id, before: { status: row.status }, after: { status, action } })),
      );
      const rows: Record<string, unknown>[] = await manager.query(
        `SELECT ${this.rows.select('c')}, "a"."title" AS "article_title"
         FROM "comment" "c" JOIN "article" "a" ON "a"."id" = "c"."article_id"
         WHERE "c"."id" = ANY($1::uuid[])`,
        [wanted],
      );
      const byId = new Map(rows.map((row) => [String(row.c_id), { comment: this.rows.require(row, 'c'), articleTitle: String(row.article_title) }]));
      return wanted.map((id) => byId.get(id) as CommentForModeration);
    });
    await this.changes.commentsChanged(moderated.map(({ comment }) => comment.articleId));
    return moderated;
  }
}
