import { uniqueQuery } from '../bench/unique-queries';
import { useTestApp } from './setup/harness';

/**
 * Every cache keyed by what clients send (parsed documents, direct reads' selections and SQL, query costs) is bounded
 * by QUERY_CACHE_ENTRIES, least recently used out first, and a query whose entries were dropped is answered as well
 * as before. bench/unique-queries.ts (npm run bench:memory) measures what the bound does to memory.
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
  const fill = t.app.queryCacheFill();
  for (const [cache, { entries, maxEntries }] of Object.entries(fill)) {
    expect({ cache, maxEntries }).toEqual({ cache, maxEntries: 10 });
    expect({ cache, full: entries }).toEqual({ cache, full: 10 });
  }
  expect(Object.keys(fill).sort()).toEqual(t.app.directReads ? ['directReadSelections', 'documents'] : ['documents']);
  // Long forgotten, asked again: the same answer.
  for (const n of [0, 1, 2]) {
    const { query, variables } = uniqueQuery(n);
    expect(JSON.stringify((await t.gql(query, variables)).body.data)).toBe(answers.get(n));
  }
});
