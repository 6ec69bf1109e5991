/**
 * SQL expressions that give values in the form the GraphQL response carries them, for statements that build the
 * response's JSON in PostgreSQL (shared/direct-reads.ts). Each mirrors a JavaScript function the resolvers use, and a
 * test compares the two.
 */

/** A timestamp as Date.prototype.toISOString() writes it (the DateTimeISO scalar): UTC, milliseconds, "Z". */
export function isoTimestampSql(expression: string): string {
  return `to_char((${expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * encodeURIComponent() of a text. Slugs never need escaping (they are [a-z0-9-]), so the costly per-character path runs
 * only for a value that does.
 */
export function uriComponentSql(expression: string): string {
  return `(CASE WHEN (${expression}) ~ '^[A-Za-z0-9_.!~*''()-]*$' THEN (${expression}) ELSE (
    SELECT string_agg(CASE WHEN "ch" ~ '^[A-Za-z0-9_.!~*''()-]$' THEN "ch"
                           ELSE upper(regexp_replace(encode(convert_to("ch", 'UTF8'), 'hex'), '(..)', '%\\1', 'g')) END, '' ORDER BY "i")
    FROM regexp_split_to_table((${expression}), '') WITH ORDINALITY AS "chars"("ch", "i")) END)`;
}

/** A JSON string literal's SQL: keys of the objects built (GraphQL names, so never a quote in them). */
export function sqlText(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A value as JSON text, as JSON.stringify() writes it ("null" for NULL). For strings, numbers held as integers and
 * booleans only: PostgreSQL writes floats differently from JavaScript (1e-05 against 0.00001).
 */
export function jsonValueSql(expression: string): string {
  return `coalesce(to_json(${expression})::text, 'null')`;
}

/**
 * An integer or a boolean as JSON text: PostgreSQL's text output writes them as JSON does, without to_json's lookup of
 * the value's type for every value.
 */
export function jsonIntegerOrBooleanSql(expression: string): string {
  return `coalesce((${expression})::text, 'null')`;
}

/** A string that never needs escaping in JSON (a uuid, an ISO timestamp, an enum label) as JSON text. */
export function jsonPlainStringSql(expression: string): string {
  return `coalesce('"' || (${expression}) || '"', 'null')`;
}

/**
 * A JSON array, as text, of what `select` (a SELECT of one column of JSON text, ordered as the array must be) returns.
 * ARRAY(...) keeps the SELECT's order, and array_to_string joins without the spaces json_agg writes.
 */
export function jsonArraySql(select: string): string {
  return `('[' || array_to_string(ARRAY(${select}), ',') || ']')`;
}
