import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/role';
import type { RequestContext } from '../context';
import { connectionOf, createdCursor, PageArgs, paginatedComplexity } from '../shared/pagination';
import { AuditEntry } from './audit-entry.entity';

export const AuditEntryConnection = connectionOf('AuditEntry', AuditEntry);
export type AuditEntryConnection = InstanceType<typeof AuditEntryConnection>;
const auditCursor = createdCursor<AuditEntry>('audit');

@Resolver()
export class AuditResolver {
  @Authorized(Role.ADMIN)
  @Query(() => AuditEntryConnection, { description: 'Every editorial and moderation action, newest first (ADMIN).', complexity: paginatedComplexity() })
  async auditLog(@Args() { first, after }: PageArgs, @Ctx() { services }: RequestContext): Promise<AuditEntryConnection> {
    const page = await services.audit.list(first, auditCursor.decode(after));
    return AuditEntryConnection.build(page, auditCursor.encode, () => services.audit.count(), after);
  }
}
