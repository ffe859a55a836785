import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { startWorkers } from '../../src/jobs/queue.ts'
import { TestClock } from '../../src/clock.ts'
import { loadConfig } from '../../src/config.ts'

test('the workers run the sweep from the PostgreSQL queue, again when the clock moves to the next interval', async () => {
  const db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W9', email: 'w@example.com', placedAt: '2026-11-02T10:00:00Z',
    lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }],
  })
  const schema = (db as { schema?: string }).schema
  const clock = new TestClock('2026-11-03T12:00:00Z')
  const inbox = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-workers-'))
  const logs: string[] = []
  const workers = await startWorkers(db, {
    clock,
    config: loadConfig({ WISMO_SWEEP_INTERVAL_SECONDS: '60', WISMO_INBOX_DIR: inbox }),
    schema: schema ? `${schema}_boss` : undefined,
    manual: true,
    log: (s) => logs.push(s),
  })
  const states = async () => (await db.query<{ state: string }>('SELECT state FROM line_state_history ORDER BY 1')).map((r) => r.state)
  try {
    await workers.tick() // offers this interval's jobs and runs them
    const [row] = await db.query<{ dirty: boolean }>('SELECT dirty FROM order_lines')
    assert.equal(row.dirty, false, `the sweep ran:\n${logs.join('\n')}`)
    assert.deepEqual(await states(), ['processing'])

    await workers.tick()
    assert.deepEqual(await states(), ['processing'], 'same interval: nothing new to do')

    clock.advanceDays(20) // well past the promise: the next interval's sweep finds the line late
    await workers.tick()
    assert.deepEqual(await states(), ['delayed', 'processing'], logs.join('\n'))
  } finally {
    await workers.stop()
    if (schema) await db.query(`DROP SCHEMA IF EXISTS "${schema}_boss" CASCADE`)
    await db.close()
    fs.rmSync(inbox, { recursive: true, force: true })
  }
})
