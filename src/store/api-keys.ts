import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Queryable } from './db.ts'
import { DomainError } from '../domain/errors.ts'

/** Who a key speaks for: the retailer's own systems (refunds, purchasing) or a helpdesk. */
export const API_KEY_SCOPES = ['retailer', 'helpdesk'] as const
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number]

// Keys are 32 random bytes: a plain SHA-256 is enough to store them (no password stretching needed).
const hash = (key: string) => createHash('sha256').update(key).digest('hex')

export function isApiKeyScope(s: unknown): s is ApiKeyScope {
  return typeof s === 'string' && (API_KEY_SCOPES as readonly string[]).includes(s)
}

/**
 * Issues a new key NAME for `scope`, revoking any earlier live key of that name and scope (a
 * rotation); returns the key, which is shown once and stored only as a hash.
 */
export async function issueApiKey(db: Queryable, input: { name: string; scope: ApiKeyScope; now: Date }): Promise<string> {
  const name = input.name.trim()
  if (!/^[\w.@-]{1,64}$/.test(name)) {
    throw new DomainError('API_KEY_NAME_INVALID', `API key name "${input.name}": use 1–64 letters, digits, ".", "_", "-" or "@"`)
  }
  if (!isApiKeyScope(input.scope)) {
    throw new DomainError('API_KEY_SCOPE_INVALID', `API key scope "${String(input.scope)}": expected ${API_KEY_SCOPES.join(' or ')}`)
  }
  const key = `wak_${input.scope}_${randomBytes(32).toString('base64url')}`
  await db.query(
    `WITH revoked AS (UPDATE api_keys SET revoked_at = $4 WHERE name = $1 AND scope = $2 AND revoked_at IS NULL RETURNING 1)
     INSERT INTO api_keys (name, scope, key_hash, created_at) SELECT $1, $2, $3, $4 FROM (SELECT count(*) FROM revoked) r`,
    [name, input.scope, hash(key), input.now],
  )
  return key
}

/**
 * The key's name when it is a live key of `scope`, else null. Looked up by its hash (an index
 * read) and compared again in constant time.
 */
export async function verifyApiKey(db: Queryable, key: string | undefined | null, scope: ApiKeyScope): Promise<{ name: string } | null> {
  if (!key || key.length > 200) return null
  const h = hash(key)
  const [row] = await db.query<{ name: string; key_hash: string }>(
    'SELECT name, key_hash FROM api_keys WHERE key_hash = $1 AND scope = $2 AND revoked_at IS NULL',
    [h, scope],
  )
  if (!row) return null
  const a = Buffer.from(row.key_hash, 'hex')
  const b = Buffer.from(h, 'hex')
  return a.length === b.length && timingSafeEqual(a, b) ? { name: row.name } : null
}
