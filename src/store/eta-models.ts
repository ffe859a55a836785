/**
 * The learned ETA models (migration 141): one per store day, the latest computed at or before a
 * clock is the one that clock sees. Lookups ask often, so the model itself is kept in memory by
 * its content's digest (two databases with the same model share one copy; a new model is a new
 * digest) and the question "which is current" is asked at most once a minute of clock time per
 * connection.
 */
import { createHash } from 'node:crypto'
import type { Queryable } from './db.ts'
import type { EtaModel } from '../domain/estimate/learn.ts'

const RECHECK_MS = 60_000
const MODELS_KEPT = 8

const byDigest = new Map<string, EtaModel>()
const current = new WeakMap<Queryable, { atMs: number; digest: string | null }>()

/** Stores the model of its day (replacing one computed earlier that day) and forgets what was current. */
export async function saveModel(db: Queryable, model: EtaModel, computedAt: Date): Promise<void> {
  const json = JSON.stringify(model)
  await db.query(
    `INSERT INTO eta_models (as_of, computed_at, target, digest, model) VALUES ($1::date, $2, $3, $4, $5::jsonb)
     ON CONFLICT (as_of) DO UPDATE SET computed_at = excluded.computed_at, target = excluded.target, digest = excluded.digest, model = excluded.model`,
    [model.asOf, computedAt, model.target, createHash('sha256').update(json).digest('hex'), json],
  )
  current.delete(db)
}

/** True when a model for `asOf` has been computed. */
export async function hasModelFor(db: Queryable, asOf: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM eta_models WHERE as_of = $1::date', [asOf])
  return rows.length > 0
}

/** The latest model computed at or before `now`; null before the first. */
export async function currentModel(db: Queryable, now: Date): Promise<EtaModel | null> {
  const known = current.get(db)
  if (known && Math.abs(now.getTime() - known.atMs) < RECHECK_MS) return known.digest ? byDigest.get(known.digest) ?? (await reload(db, now)) : null
  return reload(db, now)
}

async function reload(db: Queryable, now: Date): Promise<EtaModel | null> {
  const [row] = await db.query<{ model_id: string; digest: string }>(
    `SELECT model_id::text, digest FROM eta_models WHERE computed_at <= $1 ORDER BY computed_at DESC, model_id DESC LIMIT 1`,
    [now],
  )
  if (!row) {
    current.set(db, { atMs: now.getTime(), digest: null })
    return null
  }
  let model = byDigest.get(row.digest)
  if (!model) {
    const [full] = await db.query<{ model: EtaModel | string }>('SELECT model FROM eta_models WHERE model_id = $1', [row.model_id])
    model = typeof full.model === 'string' ? (JSON.parse(full.model) as EtaModel) : full.model
    if (byDigest.size >= MODELS_KEPT) byDigest.delete(byDigest.keys().next().value as string)
    byDigest.set(row.digest, model)
  }
  current.set(db, { atMs: now.getTime(), digest: row.digest })
  return model
}
