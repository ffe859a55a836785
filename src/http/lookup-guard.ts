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
  | { outcome: 'locked'; until: Date; retryAfterSeconds: number }

/** The policy from configuration (`WISMO_LOOKUP_FAILURES_PER_ORDER`, `WISMO_LOOKUP_FAILURE_WINDOW_MINUTES`). */
export function lookupPolicyFrom(config: { lookupFailuresPerOrder?: number; lookupFailureWindowMinutes?: number }): LookupPolicy {
  return { maxFailures: config.lookupFailuresPerOrder ?? 5, windowMs: (config.lookupFailureWindowMinutes ?? 15) * 60_000 }
}

/** The stored form of a key: SHA-256 over scope and key, so the table never holds what was typed. */
export function hashLookupKey(scope: string, key: string): string {
  return createHash('sha256').update(scope).update('\u0000').update(key).digest('hex')
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
const RECORD_FAILURE = `
INSERT INTO lookup_failures AS f (scope, key_hash, failures, window_ends_at, locked_until)
VALUES ($1, $2, 1, $4::timestamptz, CASE WHEN $5::int <= 1 THEN $4::timestamptz END)
ON CONFLICT (scope, key_hash) DO UPDATE SET
  failures = CASE WHEN f.locked_until > $3::timestamptz THEN f.failures
                  WHEN f.window_ends_at <= $3::timestamptz THEN 1 ELSE f.failures + 1 END,
  window_ends_at = CASE WHEN f.locked_until > $3::timestamptz THEN f.window_ends_at
                        WHEN f.window_ends_at <= $3::timestamptz THEN $4::timestamptz
                        WHEN f.failures + 1 >= $5::int THEN $4::timestamptz ELSE f.window_ends_at END,
  locked_until = CASE WHEN f.locked_until > $3::timestamptz THEN f.locked_until
                      WHEN (CASE WHEN f.window_ends_at <= $3::timestamptz THEN 1 ELSE f.failures + 1 END) >= $5::int THEN $4::timestamptz
                      ELSE NULL END,
  refused = CASE WHEN f.locked_until > $3::timestamptz THEN f.refused + 1 ELSE 0 END
RETURNING failures, locked_until, refused > 0 AS was_locked, (xmax = 0) AS inserted`

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

/** Counts one failed proof of the key (or, when the key is locked, one refused attempt). */
export async function recordLookupFailure(db: Queryable, k: GuardKey): Promise<FailureRecord> {
  const windowEnds = new Date(k.now.getTime() + k.policy.windowMs)
  const [row] = await db.query<{ failures: number; locked_until: Date | null; was_locked: boolean; inserted: boolean }>(RECORD_FAILURE, [
    k.scope, hashLookupKey(k.scope, k.key), k.now, windowEnds, k.policy.maxFailures,
  ])
  if (row.inserted) await db.query(PRUNE, [k.now])
  return { gate: gate(row.locked_until, k.now), wasLocked: row.was_locked, failures: row.failures }
}

/**
 * Runs one proof-checked lookup under the guard. `prove` reads and checks the proof and returns
 * the found value, or null for "no such key or wrong proof" (the two must look alike).
 *
 * - proof wrong: the failure is counted; `not_found` (the one that reaches the limit included), or
 *   `locked` when the key was already locked;
 * - proof right: `found`, unless the key is locked, then `locked` exactly as for a wrong proof.
 *
 * The lock is checked after the proof, so failures landing while this lookup ran still count.
 * Lookups already in flight when the limit is reached may still be answered: the limit is N
 * failures plus what is in flight at that moment (each client is also rate-limited).
 */
export async function guardLookup<T>(
  db: Queryable, k: GuardKey, prove: () => Promise<T | null>,
  /** When `prove` read the key's lock-out in its own statement (readGuardedOrderHead): where it is. */
  lockedUntilOf?: (value: T) => Date | null,
): Promise<GuardedLookup<T>> {
  const value = await prove()
  if (value === null) {
    const { gate: after, wasLocked } = await recordLookupFailure(db, k)
    return wasLocked && after.locked ? { outcome: 'locked', until: after.until, retryAfterSeconds: after.retryAfterSeconds } : { outcome: 'not_found' }
  }
  const lock = lockedUntilOf ? gate(lockedUntilOf(value), k.now) : await checkLookupLock(db, k)
  return lock.locked ? { outcome: 'locked', until: lock.until, retryAfterSeconds: lock.retryAfterSeconds } : { outcome: 'found', value }
}
