import type { DataSource, EntityManager } from 'typeorm';
import type { Viewer } from '../auth/auth.service';
import { toPage, type Page } from '../shared/pagination';
import { AuditEntry } from './audit-entry.entity';

export type Staff = Extract<Viewer, { kind: 'staff' }>;

/** Who did it: a staff token, or someone at the server's command line (`npm run token:create`). */
export type AuditActor = Pick<Staff, 'name'> & { tokenId: string | null; role: string };
export const SERVER_CONSOLE: AuditActor = { tokenId: null, name: 'npm run token:create (server console)', role: 'CONSOLE' };

export interface AuditRecord {
  action: string;
  subjectType: string;
  subjectId: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** The audit log: every editorial and moderation action, written in the same transaction as the action. */
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(manager: EntityManager, actor: AuditActor, entry: AuditRecord): Promise<void> {
    await manager.query(
      `INSERT INTO "audit_entry" ("actor_token_id", "actor_name", "actor_role", "action", "subject_type", "subject_id", "before", "after")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [actor.tokenId, actor.name, actor.role, entry.action, entry.subjectType, entry.subjectId, json(entry.before), json(entry.after)],
    );
  }

  count(): Promise<number> {
    return this.dataSource.getRepository(AuditEntry).count();
  }

  /** Newest first. */
  async list(first: number, after: { createdAt: Date; id: string } | null): Promise<Page<AuditEntry>> {
    const query = this.dataSource
      .getRepository(AuditEntry)
      .createQueryBuilder('entry')
      .orderBy('entry.createdAt', 'DESC')
      .addOrderBy('entry.id', 'DESC')
      .limit(first + 1);
    if (after) query.where('(entry.createdAt, entry.id) < (:createdAt, :id)', after);
    return toPage(await query.getMany(), first);
  }
}

/** The fields of `value` named in `keys`, for before/after summaries (dates as ISO strings). */
export function pick(value: object, keys: readonly string[]): Record<string, unknown> {
  const record = value as Record<string, unknown>;
  return Object.fromEntries(keys.map((key) => [key, record[key] instanceof Date ? (record[key] as Date).toISOString() : (record[key] ?? null)]));
}

function json(value: Record<string, unknown> | null | undefined): string | null {
  return value ? JSON.stringify(value) : null;
}
