import { createHash } from 'node:crypto';
import { uniqueQuery } from '../bench/unique-queries';
import { useTestApp } from './setup/harness';

/**
 * The caches QUERY_CACHE_ENTRIES bounds (parsed documents, direct reads' selections and their SQL, ten times as many
 * automatic persisted queries) keep no more than that, least recently used out first, and a query whose entries were
 * dropped is answered as well as before. (Query costs and argument verdicts have fixed bounds of their own, in
 * query-limits.ts and validation.ts.) bench/unique-queries.ts (npm run bench:memory) measures what the bounds do to memory.
 */
const { t, f } = useTestApp({ QUERY_CACHE_ENTRIES: '10' });

it('keeps at most QUERY_CACHE_ENTRIES of each per-query cache, whatever clients send', async () => {
  const article = await f.makeArticle({ slug: 'no-such-article-1' });
  await f.makeComment(article);
  const answers = new Map<number, string>();
  for (let n = 0; n < 45; n++) {
    const { query, variables } = uniqueQuery(n);
    const response = await t.gql(query, variables);
    expect({ n, errors: response.body.errors }).toEqual({ n, errors: undefined });
    answers.set(n, JSON.stringify(response.body.data));
  }
  const { persistedQueries, ...perQuery } = t.app.queryCacheFill();
  for (const [cache, { entries, maxEntries }] of Object.entries(perQuery)) {
    expect({ cache, maxEntries }).toEqual({ cache, maxEntries: 10 });
    expect({ cache, full: entries }).toEqual({ cache, full: 10 });
  }
  expect(Object.keys(perQuery).sort()).toEqual(t.app.directReads ? ['directReadSelections', 'documents'] : ['documents']);
  expect(persistedQueries.maxEntries).toBe(100);
  // Long forgotten, asked again: the same answer (a front page on direct reads, list pages on the executor; not the
  // article page shape, whose trending scores decay with the clock).
  for (const n of [0, 2, 3, 5]) {
    const { query, variables } = uniqueQuery(n);
    expect(JSON.stringify((await t.gql(query, variables)).body.data)).toBe(answers.get(n));
  }
});

it('keeps at most ten times QUERY_CACHE_ENTRIES automatic persisted queries, however small', async () => {
  for (let n = 0; n < 130; n++) {
    const query = `{ a${n}: __typename }`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const response = await t.gql(query, undefined, {});
    expect(response.body.errors).toBeUndefined();
    // Registered as a client with Apollo's persisted-query link would, then asked for by hash alone.
    const registered = await t.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } }),
    });
    expect(registered.status).toBe(200);
  }
  const { entries, maxEntries } = t.app.queryCacheFill().persistedQueries;
  expect({ entries, maxEntries }).toEqual({ entries: 100, maxEntries: 100 });
});
