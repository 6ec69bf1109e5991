import { Role } from '../src/auth/role';
import { startTestApp, type TestApp } from './setup/harness';
import { startTcpProxy, type TcpProxy } from './setup/tcp-proxy';

/**
 * While the database cannot be reached, every request that needs it is answered 503 with Retry-After and
 * SERVICE_UNAVAILABLE (the request was fine: try again), not an INTERNAL_SERVER_ERROR; once it is back, answers are
 * as before. The outage is a proxy in front of the test database that drops and refuses connections.
 */
let proxy: TcpProxy;
let t: TestApp;
let editor: Record<string, string>;

beforeAll(async () => {
  proxy = await startTcpProxy(process.env.MASTHEAD_TEST_DATABASE_URL as string);
  t = await startTestApp({ DATABASE_URL: proxy.url });
  editor = (await t.staff(Role.EDITOR)).headers;
});
afterAll(async () => {
  await proxy.restore().catch(() => undefined);
  await t?.close();
  await proxy?.close();
});

async function expectUnavailable(response: Response) {
  const text = await response.text();
  expect({ status: response.status, retryAfter: response.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '5' });
  const body = JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] };
  expect(body.errors.map((error) => error.extensions.code)).toEqual(expect.arrayContaining(['SERVICE_UNAVAILABLE']));
  expect(body.errors.map((error) => error.extensions.code)).not.toContain('INTERNAL_SERVER_ERROR');
  expect(text).not.toMatch(/ECONNREFUSED|Connection terminated|SELECT|127\.0\.0\.1|stack/);
}

const post = (query: string, headers: Record<string, string> = {}, variables: Record<string, unknown> = {}) =>
  t.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });

it('answers 503 SERVICE_UNAVAILABLE with Retry-After while the database is down, and as before once it is back', async () => {
  const before = await post('{ articles(first: 3) { totalCount } sections { name } }');
  expect(before.status).toBe(200);

  await proxy.cut();
  // The front page (direct reads, then the executor), the executor's own paths, a staff token (read before GraphQL),
  // and a write.
  await expectUnavailable(await post('{ articles(first: 3) { totalCount edges { node { title } } } }'));
  await expectUnavailable(await post('{ sections { name } authors { totalCount } }'));
  await expectUnavailable(await post('{ articles { totalCount } }', editor));
  await expectUnavailable(
    await post('mutation ($input: AddCommentInput!) { addComment(input: $input) { comment { id } } }', {}, {
      input: { articleId: '00000000-0000-4000-8000-000000000001', authorName: 'Ann', authorEmail: 'ann@example.com', body: 'Hello' },
    }),
  );
  // One-click unsubscribe (plain HTTP, outside GraphQL).
  const unsubscribe = await t.request('/newsletter/unsubscribe?token=abc', { method: 'POST' });
  expect({ status: unsubscribe.status, retryAfter: unsubscribe.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '5' });
  const ready = await t.request('/readyz');
  expect(ready.status).toBe(503);
  // A query that needs no database still answers.
  expect(await (await post('{ __typename }')).json()).toEqual({ data: { __typename: 'Query' } });

  await proxy.restore();
  const after = await post('{ articles(first: 3) { totalCount } sections { name } }', editor);
  expect(after.status).toBe(200);
  expect(((await after.json()) as { errors?: unknown }).errors).toBeUndefined();
});
