import { registerEnumType } from 'type-graphql';
import { escapeHtml, plainTextToHtml } from '../shared/html';

/** The form in which a comment's text (its body, its author's name) is given to the client. */
export enum CommentFormat {
  TEXT = 'TEXT',
  HTML = 'HTML',
}

registerEnumType(CommentFormat, {
  name: 'CommentFormat',
  description: "The form of a comment's text. Readers type plain text; nothing they type is ever interpreted as HTML.",
  valuesConfig: {
    TEXT: { description: 'Exactly as typed (markup included): escape it before putting it in HTML.' },
    HTML: { description: 'Escaped, safe to insert into HTML as it is.' },
  },
});

export const COMMENT_BODY_DESCRIPTION =
  'The comment, as typed (TEXT, the default: escape it before putting it in HTML), or as safe HTML (HTML): escaped, ' +
  'paragraphs (text between blank lines) in <p>, other line breaks as <br>, and http(s) addresses as links with ' +
  'rel="nofollow ugc noopener".';

export const COMMENT_AUTHOR_NAME_DESCRIPTION =
  "The commenter's name, as typed (TEXT, the default: escape it before putting it in HTML), or escaped for HTML (HTML).";

/** A comment's body in `format`; TEXT is the stored text itself. */
export function commentBodyIn(format: CommentFormat, body: string): string {
  return format === CommentFormat.HTML ? plainTextToHtml(body) : body;
}

/** A commenter's name in `format`: escaped for HTML, never linked or broken into paragraphs. */
export function authorNameIn(format: CommentFormat, name: string): string {
  return format === CommentFormat.HTML ? escapeHtml(name) : name;
}
