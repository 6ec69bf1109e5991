import { decodeHTML, escapeUTF8 } from 'entities';
import { compile } from 'html-to-text';
import { LinkifyIt } from 'linkify-it';

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

/**
 * Finds the http(s) addresses in plain text. linkify-it (markdown-it's linkifier) rather than a regular expression of
 * our own: it leaves out the punctuation that ends a sentence ("see https://example.com."), keeps brackets and quotes
 * that are balanced inside a path (Wikipedia's "Foo_(bar)"), and reads unicode hosts and paths. Only addresses that
 * start with http:// or https:// are taken: no bare "example.com", e-mail addresses, ftp:, mailto: or "//" links, so
 * no other scheme (javascript:, data:) can become a link.
 */
const httpLinks = new LinkifyIt({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false }).add('ftp:', null).add('mailto:', null).add('//', null);

/** Links in text written by readers: not endorsed (nofollow), user-generated (ugc), no window.opener for the target. */
const READER_LINK_REL = 'nofollow ugc noopener';

/** A blank line (spaces allowed on it), and any more after it: where one paragraph ends and the next begins. */
const PARAGRAPH_BREAK = /\n(?:[^\S\n]*\n)+/;

/** Text escaped for HTML content and quoted attribute values (&, <, >, " and '). Non-ASCII text is left as it is. */
export function escapeHtml(text: string): string {
  return escapeUTF8(text);
}

/**
 * Plain text a reader typed, as an HTML fragment safe to insert: every character escaped; paragraphs (separated by
 * blank lines) each in <p>, other line breaks (LF, CRLF or CR) as <br>; http(s) addresses as links with
 * rel="nofollow ugc noopener". Nothing else is interpreted: no Markdown, no HTML.
 */
export function plainTextToHtml(text: string): string {
  const paragraphs = text.replace(/\r\n?/g, '\n').trim().split(PARAGRAPH_BREAK);
  return paragraphs
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => `<p>${paragraph.split('\n').map(lineToHtml).join('<br>')}</p>`)
    .join('');
}

function lineToHtml(line: string): string {
  const links = httpLinks.test(line) ? httpLinks.match(line) : null;
  if (!links) return escapeHtml(line);
  let html = '';
  let end = 0;
  for (const link of links) {
    // Disabled schemes never match; this keeps it so should linkify-it's defaults change.
    if (!/^https?:$/i.test(link.schema)) continue;
    html += `${escapeHtml(line.slice(end, link.index))}<a href="${escapeHtml(link.url)}" rel="${READER_LINK_REL}">${escapeHtml(link.text)}</a>`;
    end = link.lastIndex;
  }
  return html + escapeHtml(line.slice(end));
}
