/** Optional free text as it is stored: trimmed, and null when missing or blank. */
export function optionalText(value: string | null | undefined): string | null {
  return value?.trim() || null;
}

/**
 * The optional text fields a partial update sent (null or blank clears one), each as optionalText stores it; fields
 * not sent are left out, so they keep their values.
 */
export function optionalTextChanges<K extends string>(changes: { [P in K]?: string | null }, keys: readonly K[]): { [P in K]?: string | null } {
  const stored: { [P in K]?: string | null } = {};
  for (const key of keys) if (changes[key] !== undefined) stored[key] = optionalText(changes[key]);
  return stored;
}
