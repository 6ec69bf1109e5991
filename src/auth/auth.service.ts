import type { DataSource, EntityManager } from 'typeorm';
import { pick, SERVER_CONSOLE, type AuditActor, type AuditService, type Staff } from '../audit/audit.service';
import { randomToken, sha256Hex } from '../shared/crypto';
import { badInput, notFound } from '../shared/errors';
import { parseId } from '../shared/ids';
import { pageByCreated } from '../db/rows';
import type { CreatedPosition, Page } from '../shared/pagination';
import { ApiToken } from './api-token.entity';
import { Role } from './role';

/** Who is calling: nobody, a staff member with a valid token, or someone whose token does not work (and why). */
export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'staff'; tokenId: string; name: string; role: Role; authorId: string | null }
  | { kind: 'invalid'; reason: string };

export const ANONYMOUS: Viewer = Object.freeze({ kind: 'anonymous' });

/** Tokens start with this, so a leaked one is easy to recognise (and to search for in code and logs). */
const TOKEN_PREFIX = 'mst_';

/** last_used_at is written at most this often per token, so reads do not turn into writes. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/** The api_token.name column's length; the createApiToken input and token:create are held to it too. */
export const TOKEN_NAME_MAX_LENGTH = 120;
/** The longest a token may be issued for (ten years); longer is what "no expiry" is for. */
export const TOKEN_MAX_EXPIRY_DAYS = 3650;

/** Names the advisory lock under which instances starting at once decide which of them issues the first ADMIN token. */
const FIRST_ADMIN_LOCK_KEY = 727_274_002;

/** Who issued the token printed at the gateway's first start, as the audit log shows it. */
const FIRST_START: AuditActor = { tokenId: null, name: 'the gateway at its first start (server console)', role: 'CONSOLE' };

export interface NewToken {
  name: string;
  role: Role;
  /** Required for AUTHOR: the byline whose articles the token may write. */
  authorId?: string | null;
  expiresInDays?: number | null;
}

/** Staff API tokens: issue (the secret is returned once), recognise, revoke. */
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Creates a token; returns it with its record. The token text is never stored and cannot be shown again. `actor` is
   * the ADMIN who asked (audited); none for the command line's. Every caller's input is checked here (the command line
   * has no GraphQL validation in front of it): a name of 1-120 characters, and expiresInDays a whole number of days
   * from 1 to 3650 or absent (never expires); anything else is BAD_USER_INPUT, never a token that silently never expires.
   */
  async issue(input: NewToken, actor: Staff | null): Promise<{ token: string; record: ApiToken }> {
    const name = input.name.trim();
    if (!name) throw badInput('Give the token a name (whose it is).', 'name');
    if (name.length > TOKEN_NAME_MAX_LENGTH) throw badInput(`A token name is at most ${TOKEN_NAME_MAX_LENGTH} characters.`, 'name');
    const days = input.expiresInDays ?? null;
    if (days !== null && !(Number.isInteger(days) && days >= 1 && days <= TOKEN_MAX_EXPIRY_DAYS)) {
      throw badInput(`expiresInDays must be a whole number of days from 1 to ${TOKEN_MAX_EXPIRY_DAYS} (leave it out for no expiry).`, 'expiresInDays');
    }
    let authorId: string | null = null;
    if (input.role === Role.AUTHOR) {
      if (!input.authorId) throw badInput('An AUTHOR token needs the authorId of its byline.', 'authorId');
      authorId = parseId(input.authorId, 'authorId');
      const [author] = await this.dataSource.query(`SELECT 1 FROM "author" WHERE "id" = $1`, [authorId]);
      if (!author) throw notFound('There is no author with this id.');
    }
    const expiresAt = days === null ? null : new Date(Date.now() + days * 86_400_000);
    return this.dataSource.transaction((manager) => this.insert(manager, { name, role: input.role, authorId, expiresAt }, actor ?? SERVER_CONSOLE));
  }

  /**
   * Issues the first ADMIN token (no expiry) if no token was ever issued (api_token is empty: revoked tokens stay in
   * it), else returns null. Instances starting at once on one database wait for each other on an advisory lock held
   * until commit, so exactly one of them issues it and the others then see its row.
   */
  async issueFirstAdmin(name: string): Promise<{ token: string; record: ApiToken } | null> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [FIRST_ADMIN_LOCK_KEY]);
      const [{ issued }] = (await manager.query(`SELECT EXISTS (SELECT 1 FROM "api_token") AS "issued"`)) as { issued: boolean }[];
      if (issued) return null;
      return this.insert(manager, { name, role: Role.ADMIN, authorId: null, expiresAt: null }, FIRST_START);
    });
  }

  private async insert(
    manager: EntityManager,
    fields: Pick<ApiToken, 'name' | 'role' | 'authorId' | 'expiresAt'>,
    actor: AuditActor,
  ): Promise<{ token: string; record: ApiToken }> {
    const token = `${TOKEN_PREFIX}${randomToken()}`;
    const saved = await manager.getRepository(ApiToken).save({ ...fields, tokenHash: sha256Hex(token) });
    const record = await manager.getRepository(ApiToken).findOneByOrFail({ id: saved.id });
    await this.audit.record(manager, actor, { action: 'token.create', subjectType: 'api_token', subjectId: record.id, after: pick(record, ['name', 'role', 'authorId', 'expiresAt']) });
    return { token, record };
  }

  /** The viewer behind an Authorization header value (or its absence). */
  async recognise(authorization: string | undefined): Promise<Viewer> {
    if (!authorization) return ANONYMOUS;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) return { kind: 'invalid', reason: 'Send the token as "Authorization: Bearer <token>".' };
    const token = match[1];
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return { kind: 'invalid', reason: 'This API token is not valid.' };
    const [record] = (await this.dataSource.query(
      `SELECT "id", "name", "role", "author_id", "expires_at", "revoked_at", "last_used_at" FROM "api_token" WHERE "token_hash" = $1`,
      [sha256Hex(token)],
    )) as { id: string; name: string; role: Role; author_id: string | null; expires_at: Date | null; revoked_at: Date | null; last_used_at: Date | null }[];
    if (!record) return { kind: 'invalid', reason: 'This API token is not valid.' };
    if (record.revoked_at) return { kind: 'invalid', reason: 'This API token was revoked.' };
    if (record.expires_at && record.expires_at.getTime() <= Date.now()) return { kind: 'invalid', reason: 'This API token has expired.' };
    if (!record.last_used_at || Date.now() - record.last_used_at.getTime() > LAST_USED_RESOLUTION_SECONDS * 1000) {
      await this.dataSource.query(`UPDATE "api_token" SET "last_used_at" = now() WHERE "id" = $1`, [record.id]);
    }
    return { kind: 'staff', tokenId: record.id, name: record.name, role: record.role, authorId: record.author_id };
  }

  /** Revokes a token (at once: the next request with it is refused). Revoking twice is harmless. */
  async revoke(id: string, actor: Staff): Promise<ApiToken> {
    const tokenId = parseId(id);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE "api_token" SET "revoked_at" = coalesce("revoked_at", now()) WHERE "id" = $1`, [tokenId]);
      const record = await manager.getRepository(ApiToken).findOneBy({ id: tokenId });
      if (!record) throw notFound('There is no API token with this id.');
      await this.audit.record(manager, actor, { action: 'token.revoke', subjectType: 'api_token', subjectId: record.id, after: pick(record, ['name', 'role', 'revokedAt']) });
      return record;
    });
  }

  count(): Promise<number> {
    return this.dataSource.getRepository(ApiToken).count();
  }

  /** All tokens, newest first. */
  list(first: number, after: CreatedPosition | null): Promise<Page<ApiToken>> {
    return pageByCreated(this.dataSource.getRepository(ApiToken).createQueryBuilder('token'), 'NEWEST_FIRST', first, after);
  }
}
