import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { startWorkers } from '../../src/jobs/queue.ts'
import { fixedClock } from '../../src/clock.ts'
import { loadConfig } from '../../src/config.ts'

test('the workers run the sweep from the PostgreSQL queue', async () => {
  const db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W9', email: 'w@example.com', placedAt: '2026-11-02T10:00:00Z',
    lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }],
  })
  const schema = (db as { schema?: string }).schema
  const workers = await startWorkers(db, {
    clock: fixedClock(new Date('2026-11-03T12:00:00Z')),
    config: loadConfig({ WISMO_SWEEP_INTERVAL_SECONDS: '60' }),
    schema: schema ? `${schema}_boss` : undefined,
  })
  try {
    // The job is offered at start and picked up by the worker's poll; wait for its effect (bounded).
    let swept = false
    for (let i = 0; i < 60 && !swept; i++) {
      const [row] = await db.query<{ dirty: boolean }>('SELECT dirty FROM order_lines')
      swept = !row.dirty
      if (!swept) await new Promise((r) => setTimeout(r, 250))
    }
    assert.ok(swept, 'the sweep ran within 15 s')
    const [h] = await db.query<{ state: string }>('SELECT state FROM line_state_history')
    assert.equal(h.state, 'processing')
  } finally {
    await workers.stop()
    if (schema) await db.query(`DROP SCHEMA IF EXISTS "${schema}_boss" CASCADE`)
    await db.close()
  }
})
