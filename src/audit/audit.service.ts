import type { DataSource, EntityManager } from 'typeorm';
import type { Viewer } from '../auth/auth.service';
import { pageByCreated } from '../db/rows';
import type { CreatedPosition, Page } from '../shared/pagination';
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

  record(manager: EntityManager, actor: AuditActor, entry: AuditRecord): Promise<void> {
    return this.recordAll(manager, actor, [entry]);
  }

  /** Several actions by one actor (a bulk moderation, say) in one statement. */
  async recordAll(manager: EntityManager, actor: AuditActor, entries: readonly AuditRecord[]): Promise<void> {
    if (entries.length === 0) return;
    await manager.query(
      `INSERT INTO "audit_entry" ("actor_token_id", "actor_name", "actor_role", "action", "subject_type", "subject_id", "before", "after")
       SELECT $1, $2, $3, "e"."action", "e"."subject_type", "e"."subject_id", "e"."before", "e"."after"
       FROM unnest($4::varchar[], $5::varchar[], $6::uuid[], $7::jsonb[], $8::jsonb[]) AS "e"("action", "subject_type", "subject_id", "before", "after")`,
      [
        actor.tokenId,
        actor.name,
        actor.role,
        entries.map((entry) => entry.action),
        entries.map((entry) => entry.subjectType),
        entries.map((entry) => entry.subjectId),
        entries.map((entry) => json(entry.before)),
        entries.map((entry) => json(entry.after)),
      ],
    );
  }

  count(): Promise<number> {
    return this.dataSource.getRepository(AuditEntry).count();
  }

  /** Newest first. */
  list(first: number, after: CreatedPosition | null): Promise<Page<AuditEntry>> {
    return pageByCreated(this.dataSource.getRepository(AuditEntry).createQueryBuilder('entry'), 'NEWEST_FIRST', first, after);
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
