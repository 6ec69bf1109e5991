import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type GraphQLSchema, type ValidationContext, type ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { sha256Hex } from './crypto';
import { boundedCache } from './query-caches';

/** Remembered query costs, oldest forgotten first. */
const MAX_REMEMBERED_COSTS = 10_000;

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
}

/**
 * Depth, alias and directive limits from graphql-armor, as GraphQL validation rules. Running them as rules (not
 * through armor's Apollo plugin, which parses the query itself) keeps a rejected query a 400 with
 * GRAPHQL_VALIDATION_FAILED, and lets Apollo cache the verdict with the parsed document.
 */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  // Report instead of throw: a throw inside validation would surface as a 500.
  const report = { propagateOnRejection: false, onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)] };
  return [
    maxDepthRule({ n: limits.maxDepth, ...report }),
    maxAliasesRule({ n: limits.maxAliases, allowList: [], ...report }),
    maxDirectivesRule({ n: limits.maxDirectives, ...report }),
  ];
}

/**
 * Query cost from graphql-query-complexity. Paginated fields declare their cost as first × what each item asks for
 * (see paginatedComplexity), so the limit tracks the rows a query can make the database read. Cost depends on
 * variables, so it is computed per request, once the operation is known and before anything executes.
 */
export function queryCostPlugin(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin {
  const estimators = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })];
  // Clients repeat the same queries with the same variables: remember costs, keyed by a hash so that neither big
  // variables nor long operation names can make an entry large, least recently used out past MAX_REMEMBERED_COSTS.
  const costs = boundedCache<string, number>(MAX_REMEMBERED_COSTS);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, queryHash }) {
          let cost: number | undefined;
          try {
            const key = sha256Hex(`${queryHash}\n${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`);
            cost = costs.get(key);
            if (cost === undefined) {
              cost = getComplexity({ schema, query: document, variables: request.variables ?? {}, operationName: request.operationName, estimators });
              costs.set(key, cost);
            }
          } catch {
            // Bad variables: execution reports them as BAD_USER_INPUT with a precise message (and requestGuards() refuses
            // what nests too deeply to be written as a key).
            return;
          }
          if (cost > maxCost) {
            throw new GraphQLError(`This query would cost ${cost}, over the limit of ${maxCost}. Ask for fewer items (smaller "first") or fewer nested lists.`, {
              extensions: { code: 'QUERY_TOO_COSTLY', cost, maxCost, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
