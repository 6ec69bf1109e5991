import { CommentStatus } from './comment.entity';

export interface ModerationRules {
  defaultStatus: 'PENDING' | 'APPROVED';
  /** This many links or more: held for moderation. */
  holdLinks: number;
  /** Lower-case words or phrases that mark spam. */
  blockedWords: readonly string[];
}

/** One link: an http(s) address or a bare www. address, counted once however it is written. */
const LINK = /(?:\bhttps?:\/\/|\bwww\.)[^\s]+/gi;

/**
 * The moderation policy for a new or edited comment, first rule that applies wins: a blocked word anywhere is SPAM;
 * enough links are held (PENDING) even from a known commenter; an address with an earlier approved comment is
 * trusted (APPROVED); anything else gets the configured default.
 */
export function moderate(
  comment: { authorName: string; body: string; authorUrl: string | null },
  hasApprovedBefore: boolean,
  rules: ModerationRules,
): CommentStatus {
  const text = `${comment.authorName}\n${comment.body}\n${comment.authorUrl ?? ''}`;
  if (blockedWordsPattern(rules.blockedWords)?.test(text)) return CommentStatus.SPAM;
  if ((comment.body.match(LINK)?.length ?? 0) >= rules.holdLinks) return CommentStatus.PENDING;
  if (hasApprovedBefore) return CommentStatus.APPROVED;
  return CommentStatus[rules.defaultStatus];
}

const patterns = new WeakMap<readonly string[], RegExp | null>();

/** Blocked words as whole words (so "ass" does not catch "class"), in any script, case-insensitive. */
function blockedWordsPattern(words: readonly string[]): RegExp | null {
  if (!patterns.has(words)) {
    const escaped = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    patterns.set(words, escaped.length ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})(?![\\p{L}\\p{N}])`, 'iu') : null);
  }
  return patterns.get(words) ?? null;
}
