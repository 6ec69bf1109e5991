import { decodeHTML, escapeUTF8 } from 'entities';
import { compile } from 'html-to-text';

/** Average adult reading speed for news copy, in words per minute. */
const WORDS_PER_MINUTE = 230;

/** Compiled once: html-to-text's per-call option handling costs several times the conversion itself. */
const toPlainText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
  ],
});

const plainTextOf = new WeakMap<object, string>();

/**
 * Plain text of an HTML body: paragraphs kept as blank lines, links as their text, images dropped. Kept per owner
 * (the article object of this request), so aliases asking for it twice convert once.
 */
export function htmlToPlainText(owner: object, html: string): string {
  let text = plainTextOf.get(owner);
  if (text === undefined) {
    text = toPlainText(html).trim();
    plainTextOf.set(owner, text);
  }
  return text;
}

export function readingTimeMinutes(wordCount: number): number {
  return Math.max(1, Math.ceil(wordCount / WORDS_PER_MINUTE));
}

/** readingTimeMinutes() in SQL, of an integer word count. */
export function readingTimeMinutesSql(wordCountSql: string): string {
  return `greatest(1, ceil((${wordCountSql})::numeric / ${WORDS_PER_MINUTE}))::int`;
}

/**
 * Turns a search snippet cut from tag-stripped HTML (so it may hold entities), with matches between `start` and
 * `end` marker characters, into a safe HTML fragment: text escaped, matches in <mark>.
 */
export function highlightMatches(snippet: string, start: string, end: string): string {
  let html = '';
  let inMatch = false;
  for (const part of snippet.split(new RegExp(`([${start}${end}])`))) {
    if (part === start) inMatch = true;
    else if (part === end) inMatch = false;
    else if (part) {
      const text = escapeUTF8(decodeHTML(part)).replace(/\s+/g, ' ');
      html += inMatch ? `<mark>${text}</mark>` : text;
    }
  }
  return html.trim();
}
