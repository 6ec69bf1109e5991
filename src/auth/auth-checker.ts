import type { AuthChecker } from 'type-graphql';
import type { Staff } from '../audit/audit.service';
import type { RequestContext } from '../context';
import type { Viewer } from './auth.service';
import { AppError } from '../shared/errors';
import { Role } from './role';

/**
 * The one place where roles are checked: type-graphql calls it for every field marked @Authorized(roles). No token
 * (or a bad, revoked or expired one) is UNAUTHENTICATED; a valid token of a role not listed is FORBIDDEN. ADMIN passes
 * everywhere. Rules that depend on the data (an AUTHOR's own articles) are the services' business.
 */
export const authChecker: AuthChecker<RequestContext, Role> = ({ context, info }, roles) => {
  requireRole(context.viewer, roles, info.fieldName);
  return true;
};

/**
 * The rule itself, also for the few checks that depend on an argument (a preview of an unpublished article): returns
 * the staff member, or throws UNAUTHENTICATED / FORBIDDEN.
 */
export function requireRole(viewer: Viewer, roles: readonly Role[], what: string): Staff {
  if (viewer.kind === 'invalid') throw new AppError('UNAUTHENTICATED', viewer.reason);
  if (viewer.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', `${what} needs a staff API token: send "Authorization: Bearer <token>".`);
  if (viewer.role === Role.ADMIN || roles.length === 0 || roles.includes(viewer.role)) return viewer;
  throw new AppError('FORBIDDEN', `${what} is for ${roles.join(', ')} (and ADMIN); your token's role is ${viewer.role}.`);
}

/** The staff member behind a request that passed @Authorized. */
export function staffOf(context: RequestContext): Staff {
  if (context.viewer.kind !== 'staff') throw new Error('staffOf() outside an @Authorized field');
  return context.viewer;
}
