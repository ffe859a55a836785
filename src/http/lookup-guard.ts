import { createHash } from 'node:crypto'
import type { Queryable } from '../store/db.ts'

/**
 * Limits failed proofs per looked-up key, across every client and every wismo process.
 *
 * A per-client rate limit does not stop a guesser who spreads requests over many addresses, and a
 * five-digit postal code is guessable. So each key (an order number; a phone number for SMS…)
 * counts its failed proofs in the database: after `maxFailures` within `windowMs`, every lookup of
 * that key is refused for `windowMs`, whatever proof it carries — the right one included, so the
 * refusal tells a guesser nothing. Keys that do not exist count the same way, so a lock-out does
 * not reveal which order numbers are real.
 *
 * A lock-out per key is also a weapon: anyone can lock a customer out of their own order. So the
 * client asking (its address, as Fastify determines it under WISMO_TRUST_PROXY; a caller's
 * number on the phone) counts its failures too, across every order and every lookup path, and a
 * throttled client's guesses are refused without counting against any order — one client cannot
 * keep orders locked. And a customer who already holds their own proof of the order (a valid
 * lookup cookie or signed link) goes through a lock-out (`pass`).
 *
 * Use {@link guardLookup} around a lookup; {@link checkLookupLock} and {@link recordLookupFailure}
 * are its two halves for callers that need them apart. Time is always the caller's `now` (the
 * injected clock).
 */

export interface LookupPolicy {
  /** Failed proofs a key takes within one window; the next lookups are refused. */
  maxFailures: number
  /** Length of the counting window, and of the lock-out that follows it, in milliseconds. */
  windowMs: number
}

export interface GuardKey {
  /** What kind of key: `order` for order numbers; other lookup paths choose their own. */
  scope: string
  /** The key exactly as the lookup uses it (an order number as typed). */
  key: string
  now: Date
  policy: LookupPolicy
}

export type LookupGate = { locked: false } | { locked: true; until: Date; retryAfterSeconds: number }

export type GuardedLookup<T> =
  | { outcome: 'found'; value: T }
  | { outcome: 'not_found' }
  /** The key (an order number) is locked out. */
  | { outcome: 'locked'; until: Date; retryAfterSeconds: number }
  /** The client asking has failed too often. */
  | { outcome: 'throttled'; until: Date; retryAfterSeconds: number }

/** The policy from configuration (`WISMO_LOOKUP_FAILURES_PER_ORDER`, `WISMO_LOOKUP_FAILURE_WINDOW_MINUTES`). */
export function lookupPolicyFrom(config: { lookupFailuresPerOrder?: number; lookupFailureWindowMinutes?: number }): LookupPolicy {
  return { maxFailures: config.lookupFailuresPerOrder ?? 5, windowMs: (config.lookupFailureWindowMinutes ?? 15) * 60_000 }
}

/**
 * The per-client policy (`WISMO_LOOKUP_FAILURES_PER_CLIENT`, default 10, over the same window):
 * failed proofs one client may make across every order and every lookup path before it is refused.
 */
export function clientPolicyFrom(config: { lookupFailuresPerClient?: number; lookupFailureWindowMinutes?: number }): LookupPolicy {
  return { maxFailures: config.lookupFailuresPerClient ?? 10, windowMs: (config.lookupFailureWindowMinutes ?? 15) * 60_000 }
}

/** The scope a client's failures are counted under (key `ip:<address>` or `phone:<number>`). */
export const CLIENT_SCOPE = 'client'

/** The guard key of a client: `ip:<req.ip>` (Fastify's reading under WISMO_TRUST_PROXY), or `phone:<number>`. */
export function clientGuardKey(id: string, now: Date, policy: LookupPolicy): GuardKey {
  return { scope: CLIENT_SCOPE, key: id, now, policy }
}

// Recent keys' hashes: a hot lookup (one order, one client, asked again and again) hashes the same
// two keys on every request. Bounded: emptied when full, so made-up keys cannot grow it.
const recentHashes = new Map<string, string>()
const RECENT_HASHES = 4096

/** The stored form of a key: SHA-256 over scope and key, so the table never holds what was typed. */
export function hashLookupKey(scope: string, key: string): string {
  const id = `${scope}\u0000${key}`
  let hash = recentHashes.get(id)
  if (hash === undefined) {
    hash = createHash('sha256').update(scope).update('\u0000').update(key).digest('hex')
    if (recentHashes.size >= RECENT_HASHES) recentHashes.clear()
    recentHashes.set(id, hash)
  }
  return hash
}

function gate(lockedUntil: Date | null, now: Date): LookupGate {
  if (!lockedUntil || lockedUntil.getTime() <= now.getTime()) return { locked: false }
  return { locked: true, until: lockedUntil, retryAfterSeconds: Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000)) }
}

/** Whether the key is locked out at `now`. One primary-key read. */
export async function checkLookupLock(db: Queryable, k: GuardKey): Promise<LookupGate> {
  const [row] = await db.query<{ locked_until: Date }>(
    'SELECT locked_until FROM lookup_failures WHERE scope = $1 AND key_hash = $2 AND locked_until > $3',
    [k.scope, hashLookupKey(k.scope, k.key), k.now],
  )
  return gate(row?.locked_until ?? null, k.now)
}

// One statement decides, so concurrent failures from many processes all count. A window that has
// ended starts again at 1; a key already locked stays as it is (guessing on does not prolong the
// lock-out of the real customer); the failure that reaches the limit locks the key for one window.
// `p` names the parameters of one key (scope, hash, window end, limit; $3 is always now), `from`
// what the row comes from: VALUES, or a SELECT that may yield nothing.
function upsertFailure(p: { scope: string; hash: string; ends: string; max: string }, from: (row: string) => string): string {
  const ends = `${p.ends}::timestamptz`
  const max = `${p.max}::int`
  return `INSERT INTO lookup_failures AS f (scope, key_hash, failures, window_ends_at, locked_until)
${from(`${p.scope}::text, ${p.hash}::text, 1, ${ends}, CASE WHEN ${max} <= 1 THEN ${ends} END`)}
ON CONFLICT (scope, key_hash) DO UPDATE SET
  failures = CASE WHEN f.locked_until > $3::timestamptz THEN f.failures
                  WHEN f.window_ends_at <= $3::timestamptz THEN 1 ELSE f.failures + 1 END,
  window_ends_at = CASE WHEN f.locked_until > $3::timestamptz THEN f.window_ends_at
                        WHEN f.window_ends_at <= $3::timestamptz THEN ${ends}
                        WHEN f.failures + 1 >= ${max} THEN ${ends} ELSE f.window_ends_at END,
  locked_until = CASE WHEN f.locked_until > $3::timestamptz THEN f.locked_until
                      WHEN (CASE WHEN f.window_ends_at <= $3::timestamptz THEN 1 ELSE f.failures + 1 END) >= ${max} THEN ${ends}
                      ELSE NULL END,
  refused = CASE WHEN f.locked_until > $3::timestamptz THEN f.refused + 1 ELSE 0 END
RETURNING failures, locked_until, refused > 0 AS was_locked, (xmax = 0) AS inserted`
}

const RECORD_FAILURE = upsertFailure({ scope: '$1', hash: '$2', ends: '$4', max: '$5' }, (row) => `VALUES (${row})`)

// A failure counted for the client and, unless the client was already throttled, for the key too:
// a throttled client's guesses are refused, not counted, so they cannot lock anyone out.
const RECORD_CLIENT_AND_KEY = `WITH c AS (${RECORD_FAILURE}),
k AS (${upsertFailure({ scope: '$6', hash: '$7', ends: '$8', max: '$9' }, (row) => `SELECT ${row} FROM c WHERE NOT c.was_locked`)})
SELECT c.failures AS c_failures, c.locked_until AS c_locked_until, c.was_locked AS c_was_locked, c.inserted AS c_inserted,
       k.failures, k.locked_until, k.was_locked, k.inserted
  FROM c LEFT JOIN k ON true`

// Rows whose window and lock-out are over mean nothing; a new key clears a few of them, so made-up
// order numbers cannot grow the table without end.
const PRUNE = `DELETE FROM lookup_failures WHERE (scope, key_hash) IN (
  SELECT scope, key_hash FROM lookup_failures WHERE window_ends_at <= $1 LIMIT 100)`

export interface FailureRecord {
  /** The gate after this failure: locked once it reached the limit, or when the key already was. */
  gate: LookupGate
  /** The key was locked before this failure (it was refused, not counted). */
  wasLocked: boolean
  /** Failures counted in the current window. */
  failures: number
}

interface FailureRow { failures: number; locked_until: Date | null; was_locked: boolean; inserted: boolean }

const params = (k: GuardKey) => [k.scope, hashLookupKey(k.scope, k.key), new Date(k.now.getTime() + k.policy.windowMs), k.policy.maxFailures]
const toRecord = (r: FailureRow, now: Date): FailureRecord => ({ gate: gate(r.locked_until, now), wasLocked: r.was_locked, failures: r.failures })

/** Counts one failed proof of the key (or, when the key is locked, one refused attempt). */
export async function recordLookupFailure(db: Queryable, k: GuardKey): Promise<FailureRecord> {
  const [scope, hash, ends, max] = params(k)
  const [row] = await db.query<FailureRow>(RECORD_FAILURE, [scope, hash, k.now, ends, max])
  if (row.inserted) await db.query(PRUNE, [k.now])
  return toRecord(row, k.now)
}

/**
 * Counts one failure of a client and of the key it tried, in one statement. When the client was
 * already throttled, its attempt is refused and the key is left alone (`key` is null).
 */
export async function recordClientFailure(db: Queryable, client: GuardKey, k: GuardKey | null): Promise<{ client: FailureRecord; key: FailureRecord | null }> {
  if (!k) return { client: await recordLookupFailure(db, client), key: null }
  const [cScope, cHash, cEnds, cMax] = params(client)
  const [row] = await db.query<FailureRow & { c_failures: number; c_locked_until: Date | null; c_was_locked: boolean; c_inserted: boolean }>(
    RECORD_CLIENT_AND_KEY, [cScope, cHash, client.now, cEnds, cMax, ...params(k)],
  )
  if (row.c_inserted || row.inserted) await db.query(PRUNE, [client.now])
  const c = toRecord({ failures: row.c_failures, locked_until: row.c_locked_until, was_locked: row.c_was_locked, inserted: row.c_inserted }, client.now)
  return { client: c, key: row.failures === null ? null : toRecord(row, k.now) }
}

/** Forgets a key's failures (a good console login clears its account's count). */
export async function clearLookupFailures(db: Queryable, k: Pick<GuardKey, 'scope' | 'key'>): Promise<void> {
  await db.query('DELETE FROM lookup_failures WHERE scope = $1 AND key_hash = $2', [k.scope, hashLookupKey(k.scope, k.key)])
}

export interface GuardOptions<T> {
  /** Who is asking: its failures count too (one count across every lookup path), and once it is throttled it is refused. */
  client?: GuardKey | null
  /** When `prove` read the lock-outs in its own statement (readGuardedOrderHead): what they are. */
  locksOf?: (value: T) => { key: Date | null; client: Date | null }
  /**
   * The request already carries the customer's own proof of this order (a valid lookup cookie or
   * signed link): a right proof goes through any lock-out, so a guesser cannot lock them out.
   */
  pass?: boolean
  /**
   * The proof as compared (normalised email or postal code). With a client, the same wrong proof
   * of the same key from the same client counts once per window: a customer retrying a typo is
   * not locked out by it, and a guesser gains nothing (a repeat tries nothing new).
   */
  proof?: string
}

// A new (key, client, proof) for this window inserts a row; a repeat within it leaves the row
// alone and returns nothing. An expired row is taken over, so the next window counts it again.
const NOTE_ATTEMPT = `INSERT INTO lookup_repeats AS r (repeat_hash, expires_at) VALUES ($1, $2)
ON CONFLICT (repeat_hash) DO UPDATE SET expires_at = excluded.expires_at WHERE r.expires_at <= $3
RETURNING (xmax = 0) AS inserted`
const PRUNE_REPEATS = `DELETE FROM lookup_repeats WHERE repeat_hash IN (
  SELECT repeat_hash FROM lookup_repeats WHERE expires_at <= $1 LIMIT 100)`

/** True when this client already failed this key with this same proof in the current window. */
async function isRepeat(db: Queryable, k: GuardKey, client: GuardKey, proof: string): Promise<boolean> {
  const hash = createHash('sha256').update(k.scope).update('\u0000').update(k.key).update('\u0000')
    .update(client.key).update('\u0000').update(proof).digest('hex')
  const rows = await db.query<{ inserted: boolean }>(NOTE_ATTEMPT, [hash, new Date(k.now.getTime() + k.policy.windowMs), k.now])
  if (rows[0]?.inserted) await db.query(PRUNE_REPEATS, [k.now])
  return rows.length === 0
}

/** A repeated typo: not counted again, but a lock already in force still answers. */
async function repeatAnswer(db: Queryable, k: GuardKey, client: GuardKey): Promise<GuardedLookup<never>> {
  return refused('throttled', await checkLookupLock(db, client)) ?? refused('locked', await checkLookupLock(db, k)) ?? { outcome: 'not_found' }
}

const refused = (outcome: 'locked' | 'throttled', g: LookupGate): GuardedLookup<never> | null =>
  g.locked ? { outcome, until: g.until, retryAfterSeconds: g.retryAfterSeconds } : null

/**
 * Runs one proof-checked lookup under the guard. `prove` reads and checks the proof and returns
 * the found value, or null for "no such key or wrong proof" (the two must look alike).
 *
 * - proof wrong: the failure is counted (for the client too); `not_found` (the one that reaches a
 *   limit included), `throttled` when the client was already throttled (then the key's count is
 *   left alone), or `locked` when the key was already locked;
 * - proof right: `found`, unless the client is throttled or the key locked, then the same answer
 *   as for a wrong proof — except with `pass`, which goes through both.
 *
 * The locks are checked after the proof, so failures landing while this lookup ran still count.
 * Lookups already in flight when the limit is reached may still be answered: the limit is N
 * failures plus what is in flight at that moment.
 */
export async function guardLookup<T>(db: Queryable, k: GuardKey, prove: () => Promise<T | null>, o: GuardOptions<T> = {}): Promise<GuardedLookup<T>> {
  const value = await prove()
  if (value === null) {
    if (o.client && o.proof !== undefined && (await isRepeat(db, k, o.client, o.proof))) return repeatAnswer(db, k, o.client)
    if (o.client) {
      const r = await recordClientFailure(db, o.client, k)
      if (r.client.wasLocked) return refused('throttled', r.client.gate)!
      return (r.key?.wasLocked && refused('locked', r.key.gate)) || { outcome: 'not_found' }
    }
    const r = await recordLookupFailure(db, k)
    return (r.wasLocked && refused('locked', r.gate)) || { outcome: 'not_found' }
  }
  if (o.pass) return { outcome: 'found', value }
  const locks = o.locksOf?.(value)
  const clientGate = locks ? gate(locks.client, k.now) : o.client ? await checkLookupLock(db, o.client) : { locked: false as const }
  const keyGate = locks ? gate(locks.key, k.now) : await checkLookupLock(db, k)
  return refused('throttled', clientGate) ?? refused('locked', keyGate) ?? { outcome: 'found', value }
}
