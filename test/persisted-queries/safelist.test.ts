import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { formatManifest, type PersistedOperation } from '../../src/persisted-queries/manifest';
import { findGraphQLFiles, generateOperations } from '../../src/persisted-queries/manifest-generator';
import { buildAppSchema } from '../../src/schema';
import { Role } from '../../src/auth/role';
import { errorCodes, useTestApp, type GraphQLResponse } from '../setup/harness';

/**
 * Safelist mode (PERSISTED_QUERIES=only): only the manifest's operations run, asked for by id or by their exact text;
 * anything else is a 400 PERSISTED_QUERY_NOT_ALLOWED and runs nothing, unless the request has a staff token. The
 * manifest is written the way `npm run persisted-queries:generate` writes it, from a client's .graphql files.
 */
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'masthead-safelist-'));
const manifestFile = path.join(directory, 'persisted-queries.json');
const FRONT_PAGE_FILE = `
query FrontPage($first: Int!) {
  articles(first: $first) { totalCount edges { node { ...Teaser } } }
}
fragment Teaser on Article { id title }
`;
const COMMENT_FILE = `mutation AddComment($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }`;
let operations: PersistedOperation[];

beforeAll(async () => {
  fs.mkdirSync(path.join(directory, 'client', 'comments'), { recursive: true });
  fs.writeFileSync(path.join(directory, 'client', 'front-page.graphql'), FRONT_PAGE_FILE);
  fs.writeFileSync(path.join(directory, 'client', 'comments', 'add-comment.gql'), COMMENT_FILE);
  const files = findGraphQLFiles([path.join(directory, 'client')]).map((file) => ({ path: file, text: fs.readFileSync(file, 'utf8') }));
  operations = generateOperations(files, await buildAppSchema());
  fs.writeFileSync(manifestFile, formatManifest(operations));
});
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

// Registered after the manifest is written: Jest runs beforeAll hooks in the order they were registered.
const { t, f } = useTestApp({ PERSISTED_QUERIES: 'only', PERSISTED_QUERY_MANIFEST: manifestFile });

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const listed = (name: string) => operations.find((operation) => operation.name === name) as PersistedOperation;

async function send(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const response = await t.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
}
const byId = (id: string, variables?: Record<string, unknown>, headers?: Record<string, string>) =>
  send({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } }, headers);

function expectNotAllowed(response: GraphQLResponse) {
  expect({ status: response.status, codes: errorCodes(response), data: response.body.data }).toEqual({ status: 400, codes: ['PERSISTED_QUERY_NOT_ALLOWED'], data: undefined });
  expect(response.body.errors?.[0].message).toMatch(/persisted-query manifest.*npm run persisted-queries:generate/s);
}

const commentCount = async () => Number((await t.app.dataSource.query(`SELECT count(*) AS "n" FROM "comment"`))[0].n);

describe('a listed operation', () => {
  it('runs when asked for by id alone, with its variables', async () => {
    await f.makeArticle({ title: 'Listed' });
    const response = await byId(listed('FrontPage').id, { first: 5 });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 200,
      body: { data: { articles: { totalCount: 1, edges: [{ node: { id: expect.any(String), title: 'Listed' } }] } } },
    });
  });

  it('runs when sent as its exact text, with or without its hash', async () => {
    const { body } = listed('FrontPage');
    expect((await t.gql(body, { first: 1 })).body).toEqual({ data: { articles: { totalCount: 0, edges: [] } } });
    const withHash = await send({ query: body, variables: { first: 1 }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(body) } } });
    expect(withHash.body).toEqual({ data: { articles: { totalCount: 0, edges: [] } } });
  });

  it('runs a listed mutation by id', async () => {
    const article = await f.makeArticle();
    const input = { articleId: article.id, authorName: 'Reader', authorEmail: 'reader@example.com', body: 'Listed comment' };
    expect((await byId(listed('AddComment').id, { input })).body.errors).toBeUndefined();
    expect(await commentCount()).toBe(1);
  });
});

describe('anything else', () => {
  it('is refused: an unlisted query', async () => {
    expectNotAllowed(await t.gql(`query Mine { articles(first: 1) { totalCount } }`));
  });

  it('is refused: a listed operation written differently from its body (the text must match exactly)', async () => {
    expectNotAllowed(await t.gql(FRONT_PAGE_FILE, { first: 1 }));
  });

  it('is refused, and writes nothing: an unlisted mutation', async () => {
    const article = await f.makeArticle();
    const mutation = `mutation Sneaky($input: AddCommentInput!) { addComment(input: $input) { comment { id body } } }`;
    const input = { articleId: article.id, authorName: 'Reader', authorEmail: 'reader@example.com', body: 'Unlisted comment' };
    expectNotAllowed(await t.gql(mutation, { input }));
    expect(await commentCount()).toBe(0);
  });

  it('is refused without describing the schema: an invalid query gets no validation errors', async () => {
    const response = await t.gql(`query Probe { secretField }`);
    expectNotAllowed(response);
    expect(JSON.stringify(response.body)).not.toMatch(/secretField|Did you mean/);
  });

  it('is refused: an unknown id', async () => {
    expectNotAllowed(await byId(sha256('query Unknown { __typename }')));
  });

  it('is refused: registering a new automatic persisted query, which stays unknown', async () => {
    const query = `query Registering { __typename }`;
    expectNotAllowed(await send({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }));
    expectNotAllowed(await byId(sha256(query)));
  });
});

describe('a request with a staff token', () => {
  it('may send a query of its own, which is not registered for anyone else', async () => {
    const { headers } = await t.staff(Role.EDITOR);
    const query = `query Newsroom { articles(first: 1) { totalCount } }`;
    expect((await t.gql(query, undefined, headers)).body).toEqual({ data: { articles: { totalCount: 0 } } });
    const registering = await send({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }, headers);
    expect(registering.body).toEqual({ data: { articles: { totalCount: 0 } } });
    expectNotAllowed(await byId(sha256(query)));
  });

  it('is not what an invalid or revoked token gives', async () => {
    expectNotAllowed(await t.gql(`query Mine { __typename }`, undefined, { authorization: 'Bearer mst_not-a-token' }));
    const { headers, tokenId } = await t.staff(Role.EDITOR);
    await t.app.dataSource.query(`UPDATE "api_token" SET "revoked_at" = now() WHERE "id" = $1`, [tokenId]);
    expectNotAllowed(await t.gql(`query Mine { __typename }`, undefined, headers));
  });
});
