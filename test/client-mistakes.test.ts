import { errorCodes, useTestApp } from './setup/harness';
import { Role } from '../src/auth/role';
import { encodeCursor } from '../src/shared/pagination';

/**
 * Ordinary client mistakes are the client's: a 400 (or a GraphQL error with a client code), never a 500 or an
 * INTERNAL_SERVER_ERROR, whatever the input. The schema-wide fuzz test (fuzz.test.ts) generates such inputs; these are
 * the ones that once reached the server's machinery.
 */
const { t, f } = useTestApp();

const post = (body: unknown, headers: Record<string, string> = {}) =>
  t.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function expectClientError(response: Response, status: number, code: string) {
  const text = await response.text();
  expect({ status: response.status, text }).toEqual({ status, text: expect.any(String) });
  const body = JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] };
  expect(body.errors.map((error) => error.extensions.code)).toContain(code);
  expect(text).not.toMatch(/RangeError|stack|node_modules|SELECT|\.ts:\d+/);
  return body;
}

describe('an operation that cannot be resolved', () => {
  it.each([
    ['an operationName the document does not have', { query: 'query F { __typename }', operationName: 'Nope' }],
    ['an empty operationName', { query: 'query F { __typename }', operationName: '' }],
    ['two operations and no operationName', { query: 'query A { __typename } query B { __typename }' }],
    ['two operations, one of them a front page, and a wrong name', { query: 'query A { articles { totalCount } } query B { __typename }', operationName: 'C' }],
    ['an anonymous front page and an operationName', { query: '{ articles(first: 2) { edges { node { id } } } }', operationName: 'Front' }],
  ])('is a 400 with OPERATION_RESOLUTION_FAILURE: %s', async (_name, body) => {
    const { errors } = await expectClientError(await post(body), 400, 'OPERATION_RESOLUTION_FAILURE');
    expect(errors[0].message).toMatch(/operation/i);
  });

  it('still answers when the name matches', async () => {
    const response = await post({ query: 'query A { __typename } query B { __typename }', operationName: 'B' });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('deeply nested JSON', () => {
  // Written as text: JSON.stringify itself cannot write what it is about to test.
  const nestedArrays = (depth: number) => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
  const postText = (body: string) => t.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const query = JSON.stringify('query Q($a: [String]) { __typename }');

  it.each([5_000, 40_000])('in variables, %i arrays deep, is a 400 BAD_REQUEST', async (depth) => {
    const body = await expectClientError(await postText(`{"query":${query},"variables":{"a":${nestedArrays(depth)}}}`), 400, 'BAD_REQUEST');
    expect(body.errors[0].message).toMatch(/nested/);
  });

  it('in extensions, objects 5,000 deep, is a 400 BAD_REQUEST', async () => {
    const extensions = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    await expectClientError(await postText(`{"query":"{ __typename }","extensions":${extensions}}`), 400, 'BAD_REQUEST');
  });

  it('in a GET query string is a 400 BAD_REQUEST too', async () => {
    // 1,000 levels: Node refuses request lines much longer than that (431) before the gateway sees them.
    const variables = encodeURIComponent(`{"a":${nestedArrays(1_000)}}`);
    const response = await t.request(`/graphql?query=${encodeURIComponent('query Q($a: [String]) { __typename }')}&variables=${variables}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    await expectClientError(response, 400, 'BAD_REQUEST');
  });

  it('in a GET query string hidden behind 1,000 other parameters is a 400 BAD_REQUEST too', async () => {
    // Express's req.query stops reading after 1,000 parameters; Apollo reads them all.
    const variables = encodeURIComponent(`{"a":${nestedArrays(1_000)}}`);
    const response = await t.request(`/graphql?${'&'.repeat(1_000)}query=${encodeURIComponent('{ __typename }')}&variables=${variables}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    await expectClientError(response, 400, 'BAD_REQUEST');
  });

  it('within the limit is answered as usual', async () => {
    const response = await postText(`{"query":"{ __typename }","variables":{"deep":${nestedArrays(20)}}}`);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('nested list literals in the query itself are refused cleanly', async () => {
    const query = `{ articles(first: 1, filter: { tag: ${'['.repeat(2_000)}"a"${']'.repeat(2_000)} }) { totalCount } }`;
    const response = await post({ query });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toMatch(/RangeError|INTERNAL_SERVER_ERROR/);
  });
});

describe('a NUL character (U+0000) in a string input', () => {
  // PostgreSQL's text cannot hold U+0000: every string input that reaches a statement would fail there.
  const nul = 'a\u0000b';

  it.each([
    ['a slug', 'query Q($v: String) { article(slug: $v) { id } }'],
    ['a search', 'query Q($v: String!) { searchArticles(query: $v) { totalCount } }'],
    ['a section filter', 'query Q($v: String!) { articles(filter: { section: $v }) { totalCount } }'],
    ['a tag filter', 'query Q($v: String!) { articles(filter: { tag: $v }) { totalCount } }'],
    ['an author cursor', 'query Q($v: String) { authors(after: $v) { totalCount } }'],
    ['a tag cursor', 'query Q($v: String) { tags(after: $v) { totalCount } }'],
    ['an author slug', 'query Q($v: String!) { author(slug: $v) { id } }'],
    ['an id', 'query Q($v: ID!) { article(id: $v) { id } }'],
  ])('is BAD_USER_INPUT in %s, as a variable', async (_name, query) => {
    const response = await t.gql(query, { v: nul });
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0].message).toMatch(/U\+0000/);
  });

  it('is BAD_USER_INPUT written in the query itself, inside an input object', async () => {
    const response = await t.gql('{ articles(filter: { author: "ok", tag: "a\\u0000b" }) { totalCount } }');
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('is BAD_USER_INPUT in a mutation input, and nothing is stored', async () => {
    const article = await f.makeArticle();
    const response = await t.gql(
      'mutation M($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }',
      { input: { articleId: article.id, authorName: 'Ann', authorEmail: 'ann@example.com', body: `Hello ${nul}` } },
    );
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0].message).toMatch(/in \$input\.body/);
    expect(await t.app.dataSource.query('SELECT count(*)::int AS n FROM "comment"')).toEqual([{ n: 0 }]);
  });

  it('is BAD_USER_INPUT for staff inputs too', async () => {
    const { headers } = await t.staff(Role.EDITOR);
    const response = await t.gql('mutation M($name: String!) { createSection(input: { name: $name }) { id } }', { name: nul }, headers);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('forged cursors', () => {
  const searchQuery = 'query Q($after: String) { searchArticles(query: "news", after: $after) { totalCount edges { node { id } } } }';
  const uuid = '00000000-0000-4000-8000-000000000000';

  it.each([
    ['a rank too small for a real', ['search', 1e-320, uuid]],
    ['a rank too large for a real', ['search', 1e39, uuid]],
    ['a negative denormal rank', ['search', -1e-310, uuid]],
    ['a rank given as a string', ['search', '0.5', uuid]],
    ['a bad uuid', ['search', 0.5, 'not-a-uuid']],
    ['another list\'s kind', ['authors', 'x', uuid]],
    ['a missing value', ['search', 0.5]],
  ])('in search is BAD_USER_INPUT: %s', async (_name, position) => {
    const after = Buffer.from(JSON.stringify(position)).toString('base64url');
    const response = await t.gql(searchQuery, { after });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('with a fractional or huge rank in an analytics list is BAD_USER_INPUT', async () => {
    const { headers } = await t.staff(Role.ANALYST);
    for (const rank of [1.5, 1e20, -1, 1e-320]) {
      const response = await t.gql(
        'query Q($after: String) { articleViews(window: LAST_7_DAYS, after: $after) { totalCount } }',
        { after: encodeCursor('article-views', [rank]) },
        headers,
      );
      expect({ rank, codes: errorCodes(response) }).toEqual({ rank, codes: ['BAD_USER_INPUT'] });
    }
  });

  it('made of a date PostgreSQL cannot hold is BAD_USER_INPUT', async () => {
    for (const date of ['+275760-09-13T00:00:00.000Z', '0000-01-01T00:00:00.000Z', 'yesterday']) {
      const response = await t.gql('query Q($after: String) { articles(after: $after) { totalCount } }', { after: encodeCursor('articles:newest', [date, uuid]) });
      expect({ date, codes: errorCodes(response) }).toEqual({ date, codes: ['BAD_USER_INPUT'] });
    }
  });

  it.each(['authors', 'tags'])('carrying U+0000 in a %s cursor (base64, so no request rule sees it) is BAD_USER_INPUT', async (list) => {
    const response = await t.gql(`query Q($after: String) { ${list}(after: $after) { totalCount } }`, { after: encodeCursor(list, ['a\u0000b', uuid]) });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('that decode to a proper position still page as before', async () => {
    const author = await f.makeAuthor({ name: 'Ann' });
    await f.makeAuthor({ name: 'Bob' });
    const response = await t.gql('query Q($after: String) { authors(first: 1, after: $after) { edges { node { name } } } }', {
      after: encodeCursor('authors', [author.name, author.id]),
    });
    expect(response.body).toEqual({ data: { authors: { edges: [{ node: { name: 'Bob' } }] } } });
  });
});
