import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { cacheExchange, Client, fetchExchange } from '@urql/core';
import { useTestApp } from '../setup/harness';

/**
 * Real clients with their default settings against the gateway with its response cache on: urql sends queries as GET
 * (within the URL limit) with no preflight header, Apollo Client POSTs; both must be answered, and answered from the
 * cache the second time. Their fetch is wrapped only to see what they sent and what came back.
 */

interface Seen {
  method: string;
  url: string;
  cache: string | null;
  cacheControl: string | null;
}

function recordingFetch(seen: Seen[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    seen.push({ method: init?.method ?? 'GET', url: String(input), cache: response.headers.get('x-cache'), cacheControl: response.headers.get('cache-control') });
    return response;
  };
}

const FRONT = `query FrontPage($first: Int!) { articles(first: $first) { edges { node { title author { name } } } } }`;

describe('real GraphQL clients with default settings', () => {
  const { t, f } = useTestApp({ RESPONSE_CACHE: 'true' });

  it('urql: queries go as GET and are served from the cache, mutations as POST', async () => {
    const article = await f.makeArticle({ title: 'Rain', commentsOpen: true });
    const seen: Seen[] = [];
    const urql = () => new Client({ url: `${t.url}/graphql`, exchanges: [cacheExchange, fetchExchange], fetch: recordingFetch(seen) });

    const first = await urql().query(FRONT, { first: 5 }).toPromise();
    expect(first.error).toBeUndefined();
    expect(first.data.articles.edges[0].node.title).toBe('Rain');
    // A second browser (a new client, so urql's own cache does not answer).
    const second = await urql().query(FRONT, { first: 5 }).toPromise();
    expect(second.data).toEqual(first.data);
    expect(seen.map(({ method, cache }) => `${method} ${cache}`)).toEqual(['GET MISS', 'GET HIT']);
    expect(seen[0].url).toContain('/graphql?');
    expect(seen[0].cacheControl).toMatch(/^public, max-age=\d+/);

    const posted = await urql()
      .mutation(`mutation ($input: AddCommentInput!) { addComment(input: $input) { comment { status } } }`, {
        input: { articleId: article.id, authorName: 'Reader', authorEmail: 'reader@example.com', body: 'Hello' },
      })
      .toPromise();
    expect(posted.error).toBeUndefined();
    expect(posted.data.addComment.comment.status).toBe('PENDING');
    expect(seen[2]).toMatchObject({ method: 'POST', cache: null, cacheControl: 'private, no-store' });
  });

  it('Apollo Client: POSTed queries are answered and served from the cache', async () => {
    await f.makeArticle({ title: 'Rain' });
    const seen: Seen[] = [];
    const apollo = () => new ApolloClient({ link: new HttpLink({ uri: `${t.url}/graphql`, fetch: recordingFetch(seen) }), cache: new InMemoryCache() });

    const first = await apollo().query({ query: gql(FRONT), variables: { first: 5 } });
    const second = await apollo().query({ query: gql(FRONT), variables: { first: 5 } });
    expect(first.data).toEqual(second.data);
    expect((first.data as { articles: { edges: { node: { title: string } }[] } }).articles.edges[0].node.title).toBe('Rain');
    expect(seen.map(({ method, cache }) => `${method} ${cache}`)).toEqual(['POST MISS', 'POST HIT']);
  });
});
