import type { ApolloServerPlugin, GraphQLRequest } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../context';
import { operationId, type PersistedQueryManifest } from './manifest';

export const PERSISTED_QUERY_NOT_ALLOWED = 'PERSISTED_QUERY_NOT_ALLOWED';

const HOW_TO_LIST =
  'Add the operation to your client’s .graphql files, run `npm run persisted-queries:generate` on them and deploy the manifest it writes (PERSISTED_QUERY_MANIFEST).';

/**
 * The operations a gateway in safelist mode (PERSISTED_QUERIES=only) runs for anyone without a staff token: those of
 * the manifest, asked for by id (extensions.persistedQuery.sha256Hash alone) or by their exact text.
 */
export class Safelist {
  private readonly bodies: ReadonlyMap<string, string>;

  constructor(manifest: PersistedQueryManifest) {
    this.bodies = new Map(manifest.operations.map((operation) => [operation.id, operation.body]));
  }

  get size(): number {
    return this.bodies.size;
  }

  /** Why the request may not run (a message for the client's developer), or null when it may. */
  refusalOf(request: GraphQLRequest): string | null {
    const hash: unknown = request.extensions?.persistedQuery?.sha256Hash;
    if (typeof request.query === 'string') {
      const id = operationId(request.query);
      if (this.bodies.has(id)) return null;
      // Also what refuses registering a new automatic persisted query: its text is not listed either.
      return `This gateway runs only the operations listed in its persisted-query manifest, and this query text (sha256 ${id}) is not one of them; a listed operation's text must match its body exactly, so prefer sending its id alone as extensions.persistedQuery.sha256Hash. ${HOW_TO_LIST}`;
    }
    if (typeof hash === 'string') {
      if (this.bodies.has(hash)) return null;
      return `This gateway runs only the operations listed in its persisted-query manifest, and none has the id ${JSON.stringify(hash)}: the client was built from operations that were not deployed. ${HOW_TO_LIST}`;
    }
    // Neither text nor id: Apollo answers that with its own 400.
    return null;
  }

  /**
   * The manifest as Apollo's persisted-query cache: a listed id gives its body, so a hash alone runs the listed text.
   * Read-only: nothing a request sends is ever registered (not even a staff member's), since whatever this cache
   * held would run for anyone.
   */
  asPersistedQueryCache(): KeyValueCache<string> {
    return {
      get: async (id) => this.bodies.get(id),
      set: async () => undefined,
      delete: async () => false,
    };
  }
}

/** A query that always validates and is never executed: what a refused request's text is replaced with (see below). */
const REFUSED_STAND_IN = 'query PersistedQueryNotAllowed { __typename }';

/**
 * Refuses, with 400 PERSISTED_QUERY_NOT_ALLOWED, every request whose operation the safelist does not list, unless it
 * carries a valid staff token (newsroom tools and the playground send queries of their own).
 *
 * Apollo gives a plugin no way to answer a request before it parses and validates its text: an error thrown from
 * requestDidStart or didResolveSource becomes a 500, and the first hook whose error is sent as the client's is
 * didResolveOperation. So a refused request's text is swapped, in requestDidStart, for a stand-in that validates, and
 * the refusal is thrown at didResolveOperation: unlisted text is never parsed, validated (whose errors would describe
 * the schema), cached or run. Placed right after requestGuards(), whose checks pass on the stand-in.
 */
export function safelistPlugin(safelist: Safelist): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      if (contextValue.viewer.kind === 'staff') return;
      const refusal = safelist.refusalOf(request);
      if (refusal === null) return;
      request.query = REFUSED_STAND_IN;
      request.operationName = undefined;
      request.variables = undefined;
      request.extensions = undefined;
      return {
        async didResolveOperation() {
          throw new GraphQLError(refusal, { extensions: { code: PERSISTED_QUERY_NOT_ALLOWED, http: { status: 400 } } });
        },
      };
    },
  };
}
