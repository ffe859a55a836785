import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { readAccuracy } from '../../src/store/accuracy.ts'
import { ALL, BY_SUPPLIER, inProcessDriver, LANES, playScenario } from './scenario.ts'

const period = { from: '2026-11-01', to: '2026-11-30', timeZone: 'America/New_York', country: 'US' }
let db: Db
let dir: string

before(async () => {
  db = await freshDb()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-accuracy-'))
  await playScenario(inProcessDriver(db, dir))
})
after(async () => {
  await db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

test('history holds every ETA stated, a new carrier estimate in the same state included', async () => {
  const rows = await db.query<{ state: string; earliest: string; latest: string; source: string }>(
    `SELECT h.state, h.eta_earliest::text AS earliest, h.eta_latest::text AS latest, h.eta_source AS source
       FROM line_state_history h JOIN order_lines l USING (order_line_id) JOIN orders o USING (order_id)
      WHERE o.order_number = 'A1' ORDER BY h.changed_at, h.history_id`,
  )
  assert.deepEqual(rows.map((r) => `${r.state} ${r.earliest}..${r.latest} ${r.source}`), [
    // Veterans Day (Wed 11) is a US public holiday: the window's fifth business day is Thu 12.
    'processing 2026-11-06..2026-11-12 promise',
    'in_transit 2026-11-06..2026-11-12 carrier',
    'in_transit 2026-11-09..2026-11-09 carrier',
    'delivered 2026-11-09..2026-11-09 carrier', // 01:30Z on the 10th is the 9th in New York
  ])
})

test('each figure of each milestone is the hand-computed one', async () => {
  const r = await readAccuracy(db, period)
  assert.deepEqual(r, { from: '2026-11-01', to: '2026-11-30', milestones: ALL, by: [] })
})

test('by supplier and by lane (ship-from → ship-to, the store\'s country where none is named)', async () => {
  assert.deepEqual((await readAccuracy(db, period, 'supplier')).by, BY_SUPPLIER)
  assert.deepEqual((await readAccuracy(db, period, 'lane')).by.map((g) => g.key), LANES)
  assert.deepEqual((await readAccuracy(db, period, 'carrier')).by.map((g) => [g.key, g.milestones.ordered.lines]), [['UPS', 3]])
  const sources = (await readAccuracy(db, period, 'source')).by
  assert.deepEqual(sources.map((g) => [g.key, g.milestones.ordered.lines, g.milestones.shipped.lines, g.milestones.last.lines]), [
    ['carrier', 0, 3, 3], ['promise', 3, 0, 0],
  ])
})

test('only lines delivered in the period count, by the store\'s day', async () => {
  const early = await readAccuracy(db, { ...period, from: '2026-11-01', to: '2026-11-09' })
  assert.equal(early.milestones.ordered.lines, 2, 'B1 on the 4th and A1 on the 9th (New York), not A2')
  const none = await readAccuracy(db, { ...period, from: '2026-11-10', to: '2026-11-19' })
  assert.equal(none.milestones.ordered.lines, 0)
  assert.equal(none.milestones.ordered.onTime, null)
})
