import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import type { LRUCache } from 'lru-cache';
import { boundedCache } from '../shared/query-caches';
import type { RequestContext } from '../context';
import { queryCacheFacts, type CacheHint, type QueryCacheFacts } from './cache-policy';
import { ResponseMembers } from './cache-tags';

/** Variable sets whose facts are kept per document, and the longest variables kept as a key: at most about 4 MB
 * over QUERY_CACHE_ENTRIES (500) documents. */
const FACTS_PER_DOCUMENT = 16;
const MAX_VARIABLES_KEY = 500;

/** One request's caching state: what its query implies (set once the operation is known) and what it read. */
export class RequestCacheState {
  facts: QueryCacheFacts | null = null;
  /** The response carries errors: never kept, never public. */
  failed = false;
  readonly members = new ResponseMembers();
}

/**
 * Works out each operation's cache policy and filter tags once Apollo knows which operation runs (after the query
 * limits and before execution), and notes a response with errors. A request with a token (staff, or one
 * that is not valid) is private and skips the work.
 */
export function cachePolicyPlugin(defaults: Required<CacheHint>): ApolloServerPlugin<RequestContext> {
  // Apollo keeps one parsed document per query text (its document store), so the facts can be kept with it, per
  // operation and variables: a query asked again is not walked again.
  const factsByDocument = new WeakMap<DocumentNode, LRUCache<string, QueryCacheFacts>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, schema, document, operation, request }) {
          if (contextValue.viewer.kind !== 'anonymous' || !operation) return;
          let known = factsByDocument.get(document);
          if (!known) factsByDocument.set(document, (known = boundedCache(FACTS_PER_DOCUMENT)));
          const variables = JSON.stringify(request.variables ?? {});
          const key = variables.length <= MAX_VARIABLES_KEY ? `${operation.name?.value ?? ''}\n${variables}` : null;
          let facts = key === null ? undefined : known.get(key);
          if (!facts) {
            facts = queryCacheFacts(schema, document, operation, request.variables, defaults);
            if (key !== null) known.set(key, facts);
          }
          contextValue.cache.facts = facts;
        },
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single' || response.body.singleResult.errors?.length) contextValue.cache.failed = true;
        },
      };
    },
  };
}
