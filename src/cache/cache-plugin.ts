import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../context';
import { queryCacheFacts, type CacheHint, type QueryCacheFacts } from './cache-policy';
import { ResponseMembers } from './cache-tags';

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
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, schema, document, operation, request }) {
          if (contextValue.viewer.kind !== 'anonymous' || !operation) return;
          contextValue.cache.facts = queryCacheFacts(schema, document, operation, request.variables, defaults);
        },
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single' || response.body.singleResult.errors?.length) contextValue.cache.failed = true;
        },
      };
    },
  };
}
