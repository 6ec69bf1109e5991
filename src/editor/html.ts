import sanitizeHtml from 'sanitize-html';

/**
 * Article bodies are sanitised on write with sanitize-html: the tags a newsroom's stories use, links and images over
 * http(s) only, no scripts, no event handlers, no inline styles. What is stored is what every reader gets.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'h2', 'h3', 'h4', 'blockquote', 'ul', 'ol', 'li', 'a', 'strong', 'em', 'b', 'i', 'br', 'hr', 'figure', 'figcaption', 'img', 'code', 'pre', 'sup', 'sub', 'cite', 'q'],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], img: ['src', 'alt', 'width', 'height', 'title'], blockquote: ['cite'], q: ['cite'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  // Links that open a new window cannot reach back into the page.
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }) },
};

export function sanitizeArticleHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}
