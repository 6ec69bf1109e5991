import DataLoader from 'dataloader';

/**
 * A DataLoader over a batch function that answers with a Map: each key gets its value, or `missing` when the Map
 * has none. This is where "results in the order of their keys" is guaranteed for every loader.
 */
export function mapLoader<V>(batch: (keys: readonly string[]) => Promise<Map<string, V>>, missing: V): DataLoader<string, V> {
  return new DataLoader<string, V>(async (keys) => {
    const found = await batch(keys);
    return keys.map((key) => (found.has(key) ? (found.get(key) as V) : missing));
  });
}

/** A by-id loader over a fetch that returns entities in any order; unknown ids load as null. */
export function byIdLoader<T extends { id: string }>(fetch: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return mapLoader(async (ids) => new Map((await fetch(ids)).map((entity) => [entity.id, entity])), null);
}

/**
 * Loaders that take arguments (a page size, a cursor) batch only with calls that share those arguments, so each
 * distinct argument set gets its own DataLoader, created on first use within the request.
 */
export function loaderFamily<A extends unknown[], L>(create: (...args: A) => L): (...args: A) => L {
  const family = new Map<string, L>();
  return (...args: A) => {
    const key = JSON.stringify(args);
    let loader = family.get(key);
    if (!loader) family.set(key, (loader = create(...args)));
    return loader;
  };
}
