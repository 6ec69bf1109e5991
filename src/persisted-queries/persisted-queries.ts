import type { ApolloServerPlugin, PersistedQueryOptions } from '@apollo/server';
import { PrefixingKeyValueCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import type { RequestContext } from '../context';
import { BoundedKeyValueCache, type CacheFill } from '../shared/query-caches';
import { PersistedQueryStore } from './persisted-query-store';
import { Safelist, safelistPlugin } from './safelist';

/** Automatic persisted queries kept in memory per QUERY_CACHE_ENTRIES (each is only a query's text). */
const PERSISTED_QUERIES_PER_ENTRY = 10;

export interface PersistedQueries {
  /** Apollo's `persistedQueries` option: false turns APQ off (PERSISTED_QUERY_NOT_SUPPORTED). */
  readonly apolloOption: PersistedQueryOptions | false;
  /** The safelist's plugin in PERSISTED_QUERIES=only, else none. */
  readonly plugins: readonly ApolloServerPlugin<RequestContext>[];
  /** The in-memory tier's fill, in PERSISTED_QUERIES=automatic. */
  fill(): CacheFill | null;
}

/** Persisted queries as PERSISTED_QUERIES asks: automatic (memory, then Redis when there is one), only (safelist), or off. */
export function createPersistedQueries(config: AppConfig, redis: Redis | null, log: Logger): PersistedQueries {
  const settings = config.persistedQueries;
  if (settings.mode === 'off') return { apolloOption: false, plugins: [], fill: () => null };
  if (settings.mode === 'only') {
    const safelist = new Safelist(settings.manifest);
    log.info({ operations: safelist.size, manifest: settings.manifestFile }, 'safelist mode: only the manifest’s operations run (and any with a staff token)');
    return { apolloOption: { cache: unprefixed(safelist.asPersistedQueryCache()) }, plugins: [safelistPlugin(safelist)], fill: () => null };
  }
  // Query texts are small next to parsed documents, so more of them; bounded by bytes as well (QUERY_CACHE_MB).
  const memory = new BoundedKeyValueCache<string>(config.queryCaches.entries * PERSISTED_QUERIES_PER_ENTRY, config.queryCaches.documentBytes);
  const shared = redis
    ? { redis, keyPrefix: settings.redisKeyPrefix, ttlSeconds: settings.ttlSeconds, maxTextBytes: config.http.maxBodyBytes, log }
    : null;
  const store = new PersistedQueryStore(memory, shared);
  return { apolloOption: { cache: unprefixed(store) }, plugins: [], fill: () => store.fill() };
}

/**
 * Apollo prefixes the keys of a cache it is given with "apq:", for caches shared with other uses. These caches hold
 * persisted queries only (in Redis under a prefix of their own), so their keys are the bare hashes.
 */
function unprefixed(cache: KeyValueCache<string>): KeyValueCache<string> {
  return PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation(cache);
}
