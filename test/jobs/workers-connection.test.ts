import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { spawn, type ChildProcess } from 'node:child_process'
import pg from 'pg'
import type { Db } from '../../src/store/db.ts'
import { freshDb, serverUrl } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { startWorkers } from '../../src/jobs/queue.ts'
import { TestClock } from '../../src/clock.ts'
import { loadConfig } from '../../src/config.ts'

// Issue 7: a session the server ends (pg_terminate_backend) killed the worker with an unhandled
// 'error' event, and a cancelled statement (pg_cancel_backend) left the inbox file stalled in
// processing/. Only a server has sessions to end: these run on PostgreSQL.
const skip = serverUrl ? false : 'needs TEST_DATABASE_URL (sessions of a PostgreSQL server)'
const CSV = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nPO-1,1,,backordered,1,2026-12-01,,\n'

/** A second session holding SHARE on supplier_signals: the feed's apply (inside its transaction) waits on it. */
async function holdSignalsLock(schema: string): Promise<pg.Client> {
  const url = new URL(serverUrl!)
  if (!url.username) url.username = 'postgres'
  const c = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${schema}` })
  await c.connect()
  await c.query('BEGIN')
  await c.query('LOCK TABLE supplier_signals IN SHARE MODE')
  return c
}

/**
 * The sessions waiting on the holder's lock: the worker's, and only ever this test's. Asked from
 * a session of its own: inside the holder's transaction pg_stat_activity would be a snapshot.
 */
async function blockedBy(holder: pg.Client): Promise<number[]> {
  const [{ pid }] = (await holder.query('SELECT pg_backend_pid() AS pid')).rows
  const admin = await adminClient()
  try {
    return await waitForBlocked(admin, pid)
  } finally {
    await admin.end()
  }
}

/** Cancels (or ends) every further session that waits on the holder's lock, until `done()`. */
async function stopLaterWaiters(holder: pg.Client, fn: string, done: () => boolean): Promise<void> {
  const [{ pid }] = (await holder.query('SELECT pg_backend_pid() AS pid')).rows
  const admin = await adminClient()
  try {
    while (!done()) {
      const rows = (await admin.query('SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid])).rows as { pid: number }[]
      if (rows.length > 0) await admin.query(`SELECT ${fn}(pid) FROM unnest($1::int[]) AS pid`, [rows.map((r) => r.pid)])
      await new Promise((r) => setTimeout(r, 20))
    }
  } finally {
    await admin.end()
  }
}

async function adminClient(): Promise<pg.Client> {
  const url = new URL(serverUrl!)
  if (!url.username) url.username = 'postgres'
  const c = new pg.Client({ connectionString: url.toString() })
  await c.connect()
  return c
}

async function waitForBlocked(admin: pg.Client, pid: number): Promise<number[]> {
  for (let i = 0; i < 500; i++) {
    const rows = (await admin.query(
      `SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) AND query ILIKE '%supplier_signals%'`, [pid],
    )).rows as { pid: number }[]
    if (rows.length > 0) return rows.map((r) => r.pid)
    await new Promise((r) => setTimeout(r, 20)) // waiting for the worker to reach the lock, not for time
  }
  const all = (await admin.query("SELECT pid, state, wait_event_type, pg_blocking_pids(pid) b, left(query, 90) AS q FROM pg_stat_activity WHERE state <> 'idle'")).rows
  throw new Error(`the worker never reached the locked table: ${pid} ${JSON.stringify(all)}`)
}

async function setup() {
  const db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, { orderNumber: 'W1', email: 'a@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: 'PO-1', poLine: '1' }] })
  const inbox = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-drop-'))
  fs.mkdirSync(path.join(inbox, 'ACME'))
  const file = path.join(inbox, 'ACME', 'status.csv')
  fs.writeFileSync(file, CSV)
  fs.utimesSync(file, new Date('2020-01-01'), new Date('2020-01-01'))
  const schema = (db as Db & { schema: string }).schema
  const logs: string[] = []
  const workers = await startWorkers(db, {
    clock: new TestClock('2026-11-20T12:00:00Z'),
    config: loadConfig({ WISMO_INBOX_DIR: inbox, WISMO_OUTBOX_DIR: path.join(inbox, '.outbox') }),
    schema: `${schema}_boss`,
    log: (s) => logs.push(s),
    manual: true,
  })
  const done = async () => {
    await workers.stop()
    await db.query(`DROP SCHEMA IF EXISTS "${schema}_boss" CASCADE`)
    await db.close()
    fs.rmSync(inbox, { recursive: true, force: true })
  }
  return { db, inbox, schema, logs, workers, done }
}

for (const [how, fn] of [['cancelled', 'pg_cancel_backend'], ['terminated', 'pg_terminate_backend']] as const) {
  test(`the worker survives its feed's statement being ${how} mid-transaction, keeps the file and takes it in on retry`, { skip }, async () => {
    const { db, inbox, schema, logs, workers, done } = await setup()
    const holder = await holdSignalsLock(schema)
    try {
      const tick = workers.tick()
      let ended = false
      void tick.then(() => (ended = true), () => (ended = true))
      const pids = await blockedBy(holder)
      await holder.query(`SELECT ${fn}(pid) FROM unnest($1::int[]) AS pid`, [pids])
      // The same round's sweep may take up the message the cancelled apply left (finishing stopped
      // work is its job) and wait on the lock too: it is stopped the same way, until the round ends.
      await stopLaterWaiters(holder, fn, () => ended)
      await tick // the round ends; the process is still here
      await holder.query('ROLLBACK')
      const failure = logs.find((l) => l.startsWith('inbox ACME/status.csv: not taken in'))
      assert.ok(failure, logs.join('\n'))
      assert.match(failure, how === 'cancelled' ? /canceling statement/ : /terminat/)
      const held = fs.readdirSync(path.join(inbox, 'ACME/processing'))
      assert.equal(held.length, 1, 'the file is kept, claimed, for the retry')

      await workers.tick() // after one scan's backoff, with a fresh connection
      assert.ok(logs.some((l) => /^inbox ACME\/status\.csv: applied/.test(l)), logs.join('\n'))
      assert.deepEqual(fs.readdirSync(path.join(inbox, 'ACME/processing')), [])
      const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM supplier_signals WHERE status = 'backordered'")
      assert.equal(n, 1)
    } finally {
      await holder.end().catch(() => {})
      await done()
    }
  })
}

test('a transaction whose session the server ends while it is idle fails cleanly, and the pool goes on', { skip }, async () => {
  const db = await freshDb()
  const admin = await adminClient()
  try {
    await assert.rejects(
      db.transaction(async (tx) => {
        const [{ pid }] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
        await admin.query('SELECT pg_terminate_backend($1)', [pid])
        // The session is gone once the server lists it no more; its client hears of it on its own.
        while ((await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rows.length > 0) await new Promise((r) => setImmediate(r))
        await new Promise((r) => setTimeout(r, 50))
        await tx.query('SELECT 1')
      }),
      /terminat|not queryable/i,
    )
    const [{ one }] = await db.query<{ one: number }>('SELECT 1 AS one')
    assert.equal(one, 1)
  } finally {
    await admin.end()
    await db.close()
  }
})

/** Lines a child writes, and a way to wait for the first one (from now on) that matches. */
function follow(child: ChildProcess) {
  const lines: string[] = []
  const waiters: { re: RegExp; from: number; resolve: (s: string) => void }[] = []
  readline.createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l)
    for (const w of [...waiters]) if (w.re.test(l)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(l))
  })
  return {
    lines,
    mark: () => lines.length,
    waitFor: (re: RegExp, from = 0) => {
      const seen = lines.slice(from).find((l) => re.test(l))
      return seen ? Promise.resolve(seen) : new Promise<string>((resolve) => waiters.push({ re, from, resolve }))
    },
  }
}

test('a real worker process outlives the server ending all its sessions, and takes in the files', { skip }, async () => {
  const { db, inbox, schema, workers, done } = await setup()
  await workers.stop() // this process's workers are not the ones under test here
  const app = `wismo-worker-${schema}`
  const url = new URL(serverUrl!)
  url.searchParams.set('application_name', app)
  const holder = await holdSignalsLock(schema) // before the worker starts: its first scan must meet the lock
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../helpers/worker-child.ts')], {
    env: {
      ...process.env, TEST_WORKER_URL: url.toString(), TEST_WORKER_SCHEMA: schema, DATABASE_URL: '', WISMO_NOW: '',
      WISMO_INBOX_DIR: inbox, WISMO_INBOX_INTERVAL_SECONDS: '1', WISMO_OUTBOX_DIR: path.join(inbox, '.outbox'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const out = follow(child)
  const admin = await adminClient()
  try {
    await out.waitFor(/^ready$/)
    // 1. Its feed transaction's session ends while it waits on a lock.
    const pids = await blockedBy(holder)
    await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids])
    await out.waitFor(/^inbox ACME\/status\.csv: not taken in/)
    await holder.query('ROLLBACK')
    await out.waitFor(/^inbox ACME\/status\.csv: applied/)
    // 2. Every session it has ends at once (a database restart, as the worker sees it).
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app])
    const from = out.mark()
    const next = path.join(inbox, 'ACME', 'later.csv')
    fs.writeFileSync(next, CSV.replace('2026-12-01', '2026-12-05'))
    fs.utimesSync(next, new Date('2020-01-01'), new Date('2020-01-01'))
    await out.waitFor(/^inbox ACME\/later\.csv: applied/, from)
    assert.equal(child.exitCode, null, 'the worker is still running')
    const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM inbound_messages WHERE status = 'applied'")
    assert.equal(n, 2)
  } finally {
    await holder.end().catch(() => {})
    await admin.end()
    const exited = new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)))
    child.kill('SIGTERM')
    assert.equal(await exited, 0, out.lines.join('\n'))
    await done()
  }
})
