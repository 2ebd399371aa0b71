/** camelCase field ↔ snake_case column, the naming strategy's rule. */
export function columnOf(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `column as "field"` for each field: rows come back in the entity's shape. */
export function selectList(fields: readonly string[], alias?: string): string {
  const prefix = alias ? `${alias}.` : '';
  return fields.map((f) => `${prefix}${columnOf(f)} as "${f}"`).join(', ');
}

/**
 * `col = $n, ...` for the given fields (unknown fields refused, jsonb fields serialised: pg would
 * send a JS array as a PostgreSQL array), parameters numbered from `first`.
 */
export function setList(
  fields: Record<string, unknown>,
  allowed: readonly string[],
  json: readonly string[],
  first: number,
): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (!allowed.includes(field)) throw new Error(`unknown column ${field}`);
    params.push(json.includes(field) ? JSON.stringify(value) : value);
    parts.push(`${columnOf(field)} = $${first + params.length - 1}`);
  }
  return { sql: parts.join(', '), params };
}
