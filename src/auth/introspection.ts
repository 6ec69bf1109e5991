import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, GraphQLError, visit, type DocumentNode } from 'graphql';
import type { RequestContext } from '../context';

/**
 * Introspection for staff always, for anonymous callers only when INTROSPECTION allows it (off in production by
 * default). Apollo's own switch is all-or-nothing, so it stays on and this plugin decides per request.
 */
export function introspectionPolicy(allowAnonymous: boolean): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          if (allowAnonymous || contextValue.viewer.kind === 'staff' || !introspects(document)) return;
          throw new GraphQLError('Introspection is disabled for anonymous callers. Staff: send your API token.', {
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
          });
        },
      };
    },
  };
}

/** Apollo keeps one DocumentNode per distinct query: each is looked through once, not on every request. */
const introspecting = new WeakMap<DocumentNode, boolean>();

function introspects(document: DocumentNode): boolean {
  let found = introspecting.get(document);
  if (found === undefined) introspecting.set(document, (found = asksForSchema(document)));
  return found;
}

function asksForSchema(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}
