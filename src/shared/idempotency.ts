import type { EntityManager } from 'typeorm';
import { sha256Hex } from './crypto';
import { AppError } from './errors';

export type IdempotentOutcome<T> = { replayed: true; response: T } | { replayed: false; complete(response: T): Promise<void> };

/**
 * Claims (operation, key) inside the caller's transaction. The first caller gets `complete` and does the work; its
 * answer is stored when it calls complete() and commits with the work. A later (or concurrent: the database makes it
 * wait for the first to commit) call with the same input gets the stored answer; with other input, it is refused.
 * If the first caller fails, its claim rolls back with everything else and a retry starts afresh.
 */
export async function claimIdempotencyKey<T>(manager: EntityManager, operation: string, key: string, input: unknown): Promise<IdempotentOutcome<T>> {
  const requestHash = sha256Hex(stableJson(input));
  const inserted: unknown[] = await manager.query(
    `INSERT INTO "idempotency_record" ("operation", "key", "request_hash") VALUES ($1, $2, $3)
     ON CONFLICT ("operation", "key") DO NOTHING RETURNING "key"`,
    [operation, key, requestHash],
  );
  if (inserted.length) {
    return {
      replayed: false,
      complete: async (response: T) => {
        await manager.query(`UPDATE "idempotency_record" SET "response" = $3 WHERE "operation" = $1 AND "key" = $2`, [operation, key, JSON.stringify(response)]);
      },
    };
  }
  const [existing] = (await manager.query(`SELECT "request_hash", "response" FROM "idempotency_record" WHERE "operation" = $1 AND "key" = $2`, [
    operation,
    key,
  ])) as { request_hash: string; response: T | null }[];
  if (!existing || existing.request_hash !== requestHash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used with different input. Use a new key for a new request.');
  }
  if (existing.response === null) throw new Error(`idempotency record ${operation}/${key} has no response`);
  return { replayed: true, response: existing.response };
}

/** JSON with object keys sorted, so the same input always hashes the same. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, inner]) => inner !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([name, inner]) => `${JSON.stringify(name)}:${stableJson(inner)}`).join(',')}}`;
}

/** How long an idempotency key is remembered; a retry after this is a new request. */
export const IDEMPOTENCY_HOURS = 24;

/** Forgets idempotency records older than IDEMPOTENCY_HOURS. */
export async function forgetOldIdempotencyKeys(manager: Pick<EntityManager, 'query'>): Promise<void> {
  await manager.query(`DELETE FROM "idempotency_record" WHERE "created_at" < now() - make_interval(hours => $1)`, [IDEMPOTENCY_HOURS]);
}
