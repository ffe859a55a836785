/**
 * Three sweeps at once over the same dirty lines split the work: every line examined once, one
 * history row per line, no task opened twice. On PostgreSQL three real `wismo sweep` processes;
 * on PGlite (one process owns the folder) three sweeps in one process.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDb, type Db } from '../../src/store/db.ts'
import { freshDb, freshDbEnv, serverUrl } from '../helpers/db.ts'
import { runWismo } from '../helpers/cli.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { calendarFrom } from '../../src/status/calendar-config.ts'

const LINES = 1500
const NOW = '2026-11-20T14:00:00Z'

/** LINES one-line orders past their lead time but inside the legal 30 days: each sweep finds them delayed and opens a task. */
async function seed(db: Db): Promise<void> {
  await seedCatalog(db)
  await db.query(`INSERT INTO customers (email, name) SELECT 'c' || g || '@example.com', 'C' || g FROM generate_series(1, $1) g`, [LINES])
  await db.query(`INSERT INTO orders (order_number, placed_at, customer_id) SELECT 'S' || customer_id, '2026-11-02T10:00:00Z', customer_id FROM customers`)
  await db.query(`INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id) SELECT order_id, 1, 'STOVE-1', 1, 'ACME' FROM orders`)
  await db.query(`INSERT INTO po_lines (order_line_id, supplier_id, po_number, po_line, sku, qty) SELECT order_line_id, 'ACME', 'PO-' || order_line_id, '1', sku, qty FROM order_lines`)
}

async function check(db: Db): Promise<void> {
  const one = async (sql: string) => (await db.query<{ n: number }>(sql))[0].n
  assert.equal(await one('SELECT count(*)::int AS n FROM order_lines WHERE dirty'), 0)
  assert.equal(await one('SELECT count(*)::int AS n FROM line_state_history'), LINES, 'one history row per line')
  assert.equal(await one('SELECT count(*)::int AS n FROM (SELECT order_line_id FROM line_state_history GROUP BY order_line_id HAVING count(*) > 1) d'), 0)
  assert.equal(await one('SELECT count(*)::int AS n FROM (SELECT dedupe_key FROM tasks GROUP BY dedupe_key HAVING count(*) > 1) d'), 0)
  assert.equal(await one(`SELECT count(*)::int AS n FROM tasks WHERE kind = 'delayed'`), LINES)
}

test('three concurrent sweeps over the same dirty lines: no duplicate task or history row', async () => {
  if (!serverUrl) {
    const db = await freshDb()
    try {
      await seed(db)
      const calendar = await calendarFrom(db, { holidays: [] })
      const opts = { now: new Date(NOW), calendar, delayGraceDays: 2, stallBusinessDays: 5, batchSize: 200 }
      const results = await Promise.all([runSweep(db, opts), runSweep(db, opts), runSweep(db, opts)])
      assert.equal(results.reduce((n, r) => n + r.examined, 0), LINES, 'every line examined once')
      await check(db)
    } finally {
      await db.close()
    }
    return
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-sweeps-'))
  const env: Record<string, string> = { ...(await freshDbEnv(path.join(dir, 'data'))), WISMO_INBOX_DIR: path.join(dir, 'inbox'), WISMO_OUTBOX_DIR: path.join(dir, 'outbox') }
  const db = await openDb({ url: env.DATABASE_URL, poolSize: 2 })
  try {
    await seed(db)
    const runs = await Promise.all([1, 2, 3].map(() => runWismo(['sweep', '--json', '--now', NOW], env)))
    for (const r of runs) assert.equal(r.code, 0, r.stderr)
    const examined = runs.map((r) => JSON.parse(r.stdout).sweep.examined as number)
    assert.equal(examined.reduce((a, b) => a + b, 0), LINES, `every line examined once (${examined.join(' + ')})`)
    await check(db)
  } finally {
    await db.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
