import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { freshDb } from '../helpers/db.ts'
import type { Db } from '../../src/store/db.ts'
import { generateDemo } from '../../src/demo/generate.ts'
import { loadDemo } from '../../src/demo/load-demo.ts'
import { ordersOf, planReplay } from '../../src/demo/replay-plan.ts'
import { loadConfig } from '../../src/config.ts'
import { DEFAULT_TIME_ZONE, localDay } from '../../src/domain/calendar.ts'

const NOW = new Date('2026-11-27T15:00:00Z')

describe('the demo replay plan', () => {
  const data = generateDemo({ now: NOW, orders: 300 })
  const steps = planReplay(data.feeds, data.csv.orders, NOW, DEFAULT_TIME_ZONE)

  test('plays every order and feed once, in time order, and ends with a sweep at now', () => {
    for (let i = 1; i < steps.length; i++) assert.ok(steps[i - 1].at <= steps[i].at, `step ${i} goes back in time`)
    const rows = steps.flatMap((s) => (s.kind === 'orders' ? s.rows : []))
    assert.deepEqual(rows, ordersOf(data.csv.orders).orders.flatMap((o) => o.rows))
    assert.deepEqual(steps.flatMap((s) => (s.kind === 'feed' ? [s.feed.filename] : [])).sort(), data.feeds.map((f) => f.filename).sort())
    const last = steps.at(-1)!
    assert.equal(last.kind, 'sweep')
    assert.equal(last.at.getTime(), NOW.getTime())
  })

  test('an order is imported before any feed about it, and each store day is swept', () => {
    const imported = new Set<string>()
    const sweptDays = new Set<string>()
    for (const s of steps) {
      if (s.kind === 'orders') for (const r of s.rows) imported.add(r.split(',').at(-3)!) // po_number, po_line, promised_ship_date
      if (s.kind === 'sweep') sweptDays.add(localDay(s.at, DEFAULT_TIME_ZONE))
      if (s.kind !== 'feed' || s.feed.kind !== 'supplier') continue
      for (const row of s.feed.body.trim().split('\n').slice(1)) {
        const po = row.split(',')[0]
        assert.ok(imported.has(po), `${s.feed.filename}: ${po} before its order`)
      }
    }
    const first = localDay(steps[0].at, DEFAULT_TIME_ZONE)
    for (let d = first; d <= localDay(NOW, DEFAULT_TIME_ZONE); d = new Date(Date.parse(`${d}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) {
      assert.ok(sweptDays.has(d), `no sweep on ${d}`)
    }
  })
})

/** Every row the demo's history is made of, ids and times included (not message bodies: their links carry nonces). */
async function digest(db: Db): Promise<{ hash: Record<string, string>; rows: number; all: Record<string, unknown[]> }> {
  const tables: [string, string][] = [
    ['orders', 'order_id'], ['order_lines', 'order_line_id'], ['line_state_history', 'order_line_id, changed_at, state'],
    ['notifications', 'notification_id'], ['tasks', 'task_id'], ['delay_notices', 'notice_id'], ['line_choices', 'order_line_id, decided_at'],
    ['ftc_cancellations', 'order_line_id'],
  ]
  const hash: Record<string, string> = {}
  const all: Record<string, unknown[]> = {}
  let rows = 0
  for (const [t, order] of tables) {
    const r = await db.query<{ j: unknown }>(`SELECT to_jsonb(t) - 'body' - 'payload' - 'delivery' - 'token_nonce' AS j FROM ${t} t ORDER BY ${order}`)
    rows += r.length
    all[t] = r.map((x) => x.j)
    // One hash per table: a failure names the table that differs.
    hash[t] = crypto.createHash('sha256').update(JSON.stringify(r)).digest('hex')
  }
  return { hash, rows, all }
}

test('the same seed and now load the same history into two fresh databases', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wismo-demo-history-'))
  const digests: Awaited<ReturnType<typeof digest>>[] = []
  try {
    for (const run of ['a', 'b']) {
      const db = await freshDb()
      try {
        const config = loadConfig({ WISMO_DATA_DIR: path.join(dir, run), WISMO_SECRET: 'demo-history-secret-0123456789' })
        const r = await loadDemo(db, { now: NOW, seed: 11, orders: 150, config })
        assert.ok(r.replay.notices > 0 && r.replay.sent > 0, JSON.stringify(r.replay))
        digests.push(await digest(db))
      } finally {
        await db.close()
      }
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
  assert.ok(digests[0].rows > 1000, `${digests[0].rows} rows`)
  // A failure shows the first row that differs in each table, not only which hashes did.
  const first: Record<string, unknown> = {}
  for (const t of Object.keys(digests[0].hash)) {
    if (digests[0].hash[t] === digests[1].hash[t]) continue
    const [a, b] = [digests[0].all[t], digests[1].all[t]]
    const i = a.findIndex((row, k) => JSON.stringify(row) !== JSON.stringify(b[k]))
    first[t] = { rows: [a.length, b.length], at: i, a: a[i], b: b[i] }
  }
  assert.deepEqual(first, {})
})
