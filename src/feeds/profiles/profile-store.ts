import type { Queryable } from '../../store/db.ts'
import { DomainError } from '../../domain/errors.ts'
import { ProfileSchema, type Profile } from './profile-schema.ts'

/** Stores (or replaces) a supplier's feed profile; the supplier must exist. */
export async function setProfile(db: Queryable, supplierId: string, profile: Profile, now: Date): Promise<'created' | 'replaced'> {
  const known = await db.query('SELECT 1 FROM suppliers WHERE supplier_id = $1', [supplierId])
  if (known.length === 0) throw new DomainError('FEED_SUPPLIER_UNKNOWN', `unknown supplier "${supplierId}"`)
  const [r] = await db.query<{ inserted: boolean }>(
    `INSERT INTO supplier_profiles (supplier_id, profile, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (supplier_id) DO UPDATE SET profile = EXCLUDED.profile, updated_at = EXCLUDED.updated_at
     RETURNING (xmax = 0) AS inserted`,
    [supplierId, JSON.stringify(profile), now],
  )
  return r.inserted ? 'created' : 'replaced'
}

/** A supplier's profile, or null (its files are read with wismo's own header). */
export async function getProfile(db: Queryable, supplierId: string | null): Promise<Profile | null> {
  if (!supplierId) return null
  const [r] = await db.query<{ profile: string }>('SELECT profile FROM supplier_profiles WHERE supplier_id = $1', [supplierId])
  if (!r) return null
  // Stored after the same check; parsed again so a stored profile is never trusted blindly.
  return ProfileSchema.parse(JSON.parse(r.profile))
}

/** Removes a supplier's profile; false when it had none. */
export async function removeProfile(db: Queryable, supplierId: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM supplier_profiles WHERE supplier_id = $1 RETURNING supplier_id', [supplierId])
  return rows.length > 0
}
