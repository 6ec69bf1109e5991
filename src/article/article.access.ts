import type { Viewer } from '../auth/auth.service';
import { Role } from '../auth/role';

/**
 * Who may read an article the public cannot see (a draft, an embargoed or scheduled one, an archived one): the one
 * rule for every path that reaches an Article (a preview, the article behind an analytics row, whatever comes next),
 * so that no query gives a role more than `article(preview: true)` does.
 * - ADMIN and EDITOR: every article.
 * - AUTHOR: their own byline's.
 * - ANALYST, readers, anyone else: none (analytics still give the article's id and numbers).
 */
export type UnpublishedAccess = { kind: 'all' } | { kind: 'none' } | { kind: 'byline'; authorId: string };

export function unpublishedAccessOf(viewer: Viewer): UnpublishedAccess {
  if (viewer.kind !== 'staff') return { kind: 'none' };
  if (viewer.role === Role.ADMIN || viewer.role === Role.EDITOR) return { kind: 'all' };
  if (viewer.role === Role.AUTHOR && viewer.authorId) return { kind: 'byline', authorId: viewer.authorId };
  return { kind: 'none' };
}
