import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Queryable } from './db.ts'
import { DomainError } from '../domain/errors.ts'

// Keys are 32 random bytes: a plain SHA-256 is enough to store them (no password stretching needed).
const hash = (key: string) => createHash('sha256').update(key).digest('hex')

/** Issues a new API key for a supplier (replacing any earlier one); only its hash is stored. */
export async function issueSupplierKey(db: Queryable, supplierId: string): Promise<string> {
  const key = `wsk_${randomBytes(32).toString('base64url')}`
  const rows = await db.query('UPDATE suppliers SET api_key_hash = $2, updated_at = now() WHERE supplier_id = $1 RETURNING 1', [
    supplierId,
    hash(key),
  ])
  if (rows.length === 0) throw new DomainError('SUPPLIER_UNKNOWN', `unknown supplier "${supplierId}"`)
  return key
}

/** True when the key is this supplier's; compared in constant time. */
export async function verifySupplierKey(db: Queryable, supplierId: string, key: string | undefined): Promise<boolean> {
  if (!key) return false
  const rows = await db.query<{ api_key_hash: string | null }>('SELECT api_key_hash FROM suppliers WHERE supplier_id = $1', [supplierId])
  const stored = rows[0]?.api_key_hash
  if (!stored) return false
  const a = Buffer.from(stored, 'hex')
  const b = Buffer.from(hash(key), 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}
