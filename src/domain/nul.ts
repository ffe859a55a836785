/**
 * No PostgreSQL text or jsonb value can hold a NUL character, and no honest input has one: every
 * reader of outside JSON and every HTTP body is checked with this, so a NUL is refused by name
 * as bad input instead of failing deep inside a statement.
 */

/** The first path (`body.email`, `body.items[2]`) of a string holding a NUL, or null. */
export function findNul(value: unknown, at = 'body', depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? at : null
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || depth > 32) return null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${at}[${i}]`, depth + 1)
      if (found) return found
    }
    return null
  }
  for (const [k, v] of Object.entries(value)) {
    const key = k.includes('\u0000') ? `${at}.(a key)` : null
    const found = key ?? findNul(v, `${at}.${k}`, depth + 1)
    if (found) return found
  }
  return null
}

