import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { openDb } from '../../src/store/db.ts'
import { freshDb, serverUrl } from '../helpers/db.ts'
import {
  checkLookupLock, guardLookup, hashLookupKey, lookupPolicyFrom, recordLookupFailure, type LookupPolicy,
} from '../../src/http/lookup-guard.ts'

let db: Db
const policy: LookupPolicy = { maxFailures: 3, windowMs: 15 * 60_000 }
const t0 = new Date('2026-11-20T15:00:00Z')
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)
const key = (k: string, now: Date) => ({ scope: 'order', key: k, now, policy })

before(async () => {
  db = await freshDb()
})
after(async () => {
  await db.close()
})

test('the policy comes from configuration, with defaults', () => {
  assert.deepEqual(lookupPolicyFrom({}), { maxFailures: 5, windowMs: 15 * 60_000 })
  assert.deepEqual(lookupPolicyFrom({ lookupFailuresPerOrder: 2, lookupFailureWindowMinutes: 1 }), { maxFailures: 2, windowMs: 60_000 })
})

test('N failures in the window lock the key for one window; the right proof is refused alike, then works', async () => {
  const right = async () => 'the order'
  const wrong = async () => null
  const outcomes: string[] = []
  for (let i = 0; i < 3; i++) outcomes.push((await guardLookup(db, key('G1', at(i)), wrong)).outcome)
  assert.deepEqual(outcomes, ['not_found', 'not_found', 'not_found'])
  const lockedWrong = await guardLookup(db, key('G1', at(3)), wrong)
  const lockedRight = await guardLookup(db, key('G1', at(3)), right)
  assert.deepEqual(lockedWrong, lockedRight, 'a right proof during the lock-out looks exactly like a wrong one')
  assert.equal(lockedRight.outcome, 'locked')
  // locked at the third failure (minute 2) for 15 minutes: 14 minutes left at minute 3
  assert.equal(lockedRight.outcome === 'locked' && lockedRight.retryAfterSeconds, 14 * 60)
  // guessing on does not prolong the lock-out
  for (let i = 0; i < 5; i++) await guardLookup(db, key('G1', at(10)), wrong)
  assert.equal((await guardLookup(db, key('G1', at(16.999)), right)).outcome, 'locked')
  assert.deepEqual(await guardLookup(db, key('G1', at(17)), right), { outcome: 'found', value: 'the order' })
  // and the count starts again
  assert.equal((await recordLookupFailure(db, key('G1', at(18)))).failures, 1)
})

test('failures spread over more than one window do not add up', async () => {
  for (const m of [0, 10, 20, 30]) await recordLookupFailure(db, key('G2', at(m)))
  assert.deepEqual(await checkLookupLock(db, key('G2', at(31))), { locked: false })
})

test('keys are stored hashed, per scope', async () => {
  await recordLookupFailure(db, key('G3-secret', t0))
  const rows = await db.query<{ key_hash: string }>('SELECT key_hash FROM lookup_failures WHERE scope = $1', ['order'])
  assert.ok(rows.some((r) => r.key_hash === hashLookupKey('order', 'G3-secret')))
  assert.ok(rows.every((r) => !r.key_hash.includes('G3')))
  for (let i = 0; i < 3; i++) await recordLookupFailure(db, { scope: 'phone', key: 'G3-secret', now: t0, policy })
  assert.equal((await checkLookupLock(db, { scope: 'phone', key: 'G3-secret', now: t0, policy })).locked, true)
  assert.equal((await checkLookupLock(db, key('G3-secret', t0))).locked, false, 'another scope is another counter')
})

test('concurrent failures all count: exactly N are counted, the rest refused', async () => {
  const results = await Promise.all(Array.from({ length: 20 }, () => guardLookup(db, key('G4', t0), async () => null)))
  assert.equal(results.filter((r) => r.outcome === 'not_found').length, 3)
  assert.equal(results.filter((r) => r.outcome === 'locked').length, 17)
  const [row] = await db.query<{ failures: number; refused: number }>(
    'SELECT failures, refused FROM lookup_failures WHERE key_hash = $1', [hashLookupKey('order', 'G4')],
  )
  assert.deepEqual(row, { failures: 3, refused: 17 })
})

test('another process on the same database sees the lock-out', async () => {
  // On a PostgreSQL server: a second pool, as a second `wismo serve` would have. PGlite has one owner.
  const other: Db = serverUrl ? await openDb({ url: serverUrl, schema: (db as Db & { schema: string }).schema, migrate: false }) : db
  try {
    for (let i = 0; i < 3; i++) await recordLookupFailure(db, key('G5', t0))
    assert.equal((await guardLookup(other, key('G5', at(1)), async () => 'x')).outcome, 'locked')
  } finally {
    if (other !== db) await other.pool.end()
  }
})

test('rows whose window is over are pruned as new keys arrive', async () => {
  await recordLookupFailure(db, key('G6-old', t0))
  await recordLookupFailure(db, key('G6-new', at(60 * 24)))
  const left = await db.query('SELECT 1 FROM lookup_failures WHERE key_hash = $1', [hashLookupKey('order', 'G6-old')])
  assert.equal(left.length, 0)
  const kept = await db.query('SELECT 1 FROM lookup_failures WHERE key_hash = $1', [hashLookupKey('order', 'G6-new')])
  assert.equal(kept.length, 1)
})

test('a client\'s failures count beside the key\'s; once the client is throttled, its guesses are refused and lock nothing', async () => {
  const clientPolicy: LookupPolicy = { maxFailures: 4, windowMs: 15 * 60_000 }
  const client = { scope: 'client', key: 'ip:203.0.113.50', now: t0, policy: clientPolicy }
  const wrong = async () => null
  const outcomes: string[] = []
  for (const k of ['C1', 'C1', 'C2', 'C2']) outcomes.push((await guardLookup(db, key(k, t0), wrong, { client })).outcome)
  assert.deepEqual(outcomes, ['not_found', 'not_found', 'not_found', 'not_found'])
  // Throttled: wrong or right, on any key, the same refusal; and C3 is not counted.
  const afterWrong = await guardLookup(db, key('C3', at(1)), wrong, { client: { ...client, now: at(1) } })
  const afterRight = await guardLookup(db, key('C3', at(1)), async () => 'x', { client: { ...client, now: at(1) } })
  assert.deepEqual(afterWrong, afterRight)
  assert.equal(afterWrong.outcome, 'throttled')
  for (let i = 0; i < 5; i++) await guardLookup(db, key('C3', at(2)), wrong, { client: { ...client, now: at(2) } })
  assert.deepEqual(await checkLookupLock(db, key('C3', at(2))), { locked: false }, 'a throttled client locks no order')
  assert.equal((await db.query('SELECT 1 FROM lookup_failures WHERE key_hash = $1', [hashLookupKey('order', 'C3')])).length, 0)
  // Another client is not affected, and a pass goes through the throttle.
  assert.equal((await guardLookup(db, key('C3', at(2)), async () => 'x', { client: { ...client, key: 'ip:203.0.113.51', now: at(2) } })).outcome, 'found')
  assert.equal((await guardLookup(db, key('C3', at(2)), async () => 'x', { client: { ...client, now: at(2) }, pass: true })).outcome, 'found')
})

test('concurrent failures of one client on many keys: exactly its limit is counted, for it and for the keys', async () => {
  const clientPolicy: LookupPolicy = { maxFailures: 6, windowMs: 15 * 60_000 }
  const client = { scope: 'client', key: 'ip:203.0.113.60', now: t0, policy: clientPolicy }
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => guardLookup(db, key(`D${i}`, t0), async () => null, { client })))
  assert.equal(results.filter((r) => r.outcome === 'not_found').length, 6)
  assert.equal(results.filter((r) => r.outcome === 'throttled').length, 14)
  const [counted] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM lookup_failures WHERE scope = 'order' AND key_hash = ANY($1::text[])`,
    [Array.from({ length: 20 }, (_, i) => hashLookupKey('order', `D${i}`))],
  )
  assert.equal(counted.n, 6)
})
