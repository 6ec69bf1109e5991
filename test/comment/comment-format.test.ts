import { decodeHTML } from 'entities';
import fc from 'fast-check';
import { Role } from '../../src/auth/role';
import { CommentStatus } from '../../src/comment/comment.entity';
import { errorCodes, useTestApp } from '../setup/harness';

/**
 * Comment text is stored and returned as typed (format TEXT, the default), and also given as safe HTML (format HTML):
 * escaped, paragraphs and line breaks as markup, http(s) addresses as links, nothing else interpreted.
 */
const { t, f } = useTestApp({ TRUST_PROXY: 'true' });

const TEXTS = `query ($id: ID) { article(id: $id) { comments(first: 100) { edges { node {
  body text: body(format: TEXT) html: body(format: HTML)
  authorName nameText: authorName(format: TEXT) nameHtml: authorName(format: HTML)
} } } } }`;

interface Texts {
  body: string;
  text: string;
  html: string;
  authorName: string;
  nameText: string;
  nameHtml: string;
}

async function textsOf(articleId: string): Promise<Texts[]> {
  const response = await t.gql(TEXTS, { id: articleId });
  expect(response.body.errors).toBeUndefined();
  return response.body.data?.article.comments.edges.map((edge: { node: Texts }) => edge.node);
}

const LINK = (url: string, text = url) => `<a href="${url}" rel="nofollow ugc noopener">${text}</a>`;

describe('comment text', () => {
  it('comes back as typed by default, and as escaped HTML with paragraphs, line breaks and safe links on request', async () => {
    const article = await f.makeArticle();
    const body = [
      'Hello <script>alert("x")</script> & &amp; it\'s fine\r\nSee https://example.com/a?b=1&c=2.',
      '',
      'Not links: javascript:alert(1), JAVASCRIPT://example.com/%0Aalert(1), data:text/html,<b>x</b>, www.example.com, //example.com',
      'Quoted: "https://example.com/q" and https://example.com/a"onmouseover="alert(1)',
      ' \r\n\r\n\r\nÉté 🎉 مرحبا (https://en.wikipedia.org/wiki/Foo_(bar)) javascript:https://example.com\rlast',
    ].join('\r\n');
    const authorName = '<img src=x onerror=alert(1)> "Zoë" & Co';
    await f.makeComment(article, { body, authorName });

    const [comment] = await textsOf(article.id);
    expect(comment.body).toBe(body);
    expect(comment.text).toBe(body);
    expect(comment.authorName).toBe(authorName);
    expect(comment.nameText).toBe(authorName);
    expect(comment.nameHtml).toBe('&lt;img src=x onerror=alert(1)&gt; &quot;Zoë&quot; &amp; Co');
    expect(comment.html).toBe(
      '<p>Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &amp;amp; it&apos;s fine<br>' +
        `See ${LINK('https://example.com/a?b=1&amp;c=2')}.</p>` +
        '<p>Not links: javascript:alert(1), JAVASCRIPT://example.com/%0Aalert(1), data:text/html,&lt;b&gt;x&lt;/b&gt;, www.example.com, //example.com<br>' +
        `Quoted: &quot;${LINK('https://example.com/q')}&quot; and ${LINK('https://example.com/a&quot;onmouseover=&quot;alert(1)')}</p>` +
        `<p>Été 🎉 مرحبا (${LINK('https://en.wikipedia.org/wiki/Foo_(bar)')}) javascript:${LINK('https://example.com')}<br>last</p>`,
    );
  });

  it('is given in both forms when posted and when moderated, and stored as typed', async () => {
    const article = await f.makeArticle();
    const posted = await t.gql(
      `mutation ($input: AddCommentInput!) { addComment(input: $input) { comment { id body html: body(format: HTML) nameHtml: authorName(format: HTML) } } }`,
      { input: { articleId: article.id, authorName: 'Tom & "Jerry"', authorEmail: 'tom@example.com', body: 'a <b>bold</b> claim\n\nsee http://example.org' } },
      { 'x-forwarded-for': '10.9.0.1' },
    );
    expect(posted.body.errors).toBeUndefined();
    const { comment } = posted.body.data?.addComment ?? {};
    expect(comment).toMatchObject({
      body: 'a <b>bold</b> claim\n\nsee http://example.org',
      html: `<p>a &lt;b&gt;bold&lt;/b&gt; claim</p><p>see ${LINK('http://example.org')}</p>`,
      nameHtml: 'Tom &amp; &quot;Jerry&quot;',
    });
    expect(await t.app.dataSource.query(`SELECT "body", "author_name" FROM "comment"`)).toEqual([{ body: 'a <b>bold</b> claim\n\nsee http://example.org', author_name: 'Tom & "Jerry"' }]);

    const { headers } = await t.staff(Role.EDITOR);
    const queue = await t.gql(`{ commentsForModeration(status: PENDING) { edges { node { id body html: body(format: HTML) authorName nameHtml: authorName(format: HTML) } } } }`, {}, headers);
    expect(queue.body.errors).toBeUndefined();
    expect(queue.body.data?.commentsForModeration.edges).toEqual([
      { node: { id: comment.id, body: comment.body, html: comment.html, authorName: 'Tom & "Jerry"', nameHtml: comment.nameHtml } },
    ]);
  });

  it('refuses a format that does not exist, or null, naming the argument', async () => {
    const article = await f.makeArticle();
    await f.makeComment(article);
    const literal = await t.gql(`query ($id: ID) { article(id: $id) { comments { edges { node { body(format: MARKDOWN) } } } } }`, { id: article.id });
    expect(literal.status).toBe(400);
    expect(errorCodes(literal)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const asNull = await t.gql(`query ($id: ID) { article(id: $id) { comments { edges { node { authorName(format: null) } } } } }`, { id: article.id });
    expect(errorCodes(asNull)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const variable = await t.gql(`query ($id: ID, $format: CommentFormat!) { article(id: $id) { comments { edges { node { body(format: $format) } } } } }`, { id: article.id, format: 'html' });
    expect(errorCodes(variable)).toEqual(['BAD_USER_INPUT']);
    expect(variable.body.errors?.[0].message).toMatch(/format/);
  });

  it('as HTML is only paragraphs, line breaks and http(s) links around the escaped text, whatever was typed', async () => {
    const article = await f.makeArticle();
    // Text built from the pieces that matter to HTML and to links, in any order.
    const piece = fc.constantFrom('<', '>', '&', '"', "'", '&amp;', '&#x3C;', '\n', '\r\n', '\r', '\n\n', ' ', 'a', 'é', '🎉', '\u2028', 'https://', 'http://x.y/', 'javascript:', 'www.', '.com', '(', ')', '/', '?q=', '#', ':', '@');
    const texts = fc.sample(fc.array(fc.oneof(piece, fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 40 }).map((pieces) => pieces.join('')), { numRuns: 80, seed: 20261120 });
    const typed = texts.map((text) => text.replace(/\0/g, '')).filter((text) => text.trim() !== '');
    for (const body of typed) await f.makeComment(article, { body, authorName: body.slice(0, 200), status: CommentStatus.APPROVED });

    const comments = await textsOf(article.id);
    expect(comments).toHaveLength(typed.length);
    // The sample holds what it is meant to test: links, line breaks and paragraphs.
    expect(comments.filter(({ html }) => html.includes('<a ')).length).toBeGreaterThan(5);
    expect(comments.filter(({ html }) => html.includes('<br>')).length).toBeGreaterThan(5);
    expect(comments.filter(({ html }) => html.includes('</p><p>')).length).toBeGreaterThan(5);
    for (const { body, html, nameHtml, authorName } of comments) {
      // What is left once the markup this format makes is taken out must be escaped text: no markup, no raw quotes.
      const hrefs: string[] = [];
      const text = html.replace(/<a href="([^"<>]*)" rel="nofollow ugc noopener">|(<\/a>)|<\/?p>|<br>/g, (_tag, href?: string, linkEnd?: string) => {
        if (href !== undefined) hrefs.push(decodeHTML(href));
        return href !== undefined || linkEnd !== undefined ? '' : '\n';
      });
      expect(text).not.toMatch(/[<>"']|&(?!(?:amp|lt|gt|quot|apos);)/);
      for (const href of hrefs) expect(href).toMatch(/^https?:\/\/[^\s]/i);
      // And it is the typed text, every character of it, only its line breaks (and outer spaces) changed.
      const words = (value: string) => value.split(/[\r\n]+/).map((line) => line.trim()).filter(Boolean).join('\n');
      expect(words(decodeHTML(text))).toBe(words(body));
      expect(nameHtml).not.toMatch(/[<>"']|&(?!(?:amp|lt|gt|quot|apos);)/);
      expect(decodeHTML(nameHtml)).toBe(authorName);
    }
  });
});
