import { badInput } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else is the caller's mistake, reported before it reaches SQL. */
export function parseId(value: string, field = 'id'): string {
  if (!UUID.test(value)) throw badInput(`"${field}" must be an id returned by this API (a UUID).`, field);
  return value.toLowerCase();
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
