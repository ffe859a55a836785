/**
 * Exactly once across a crash: a `wismo worker` dispatching 1,000 messages to a real SMTP
 * server is killed with SIGKILL mid-batch, then started again. Every message is received, each
 * under its own stable Message-ID; the only repeats possible are the few in flight when the
 * worker died (their outcome was unknown), and a repeat carries the same Message-ID and bytes.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { simpleParser } from 'mailparser'
import { openDb } from '../../src/store/db.ts'
import { freshDbEnv } from '../helpers/db.ts'
import { startSmtp } from '../notify/mail-helpers.ts'
import { queueMessage, CLAIM_LEASE_MS } from '../../src/notify/outbox.ts'

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/wismo.js')
const N = 1000
const T0 = new Date('2026-11-20T14:00:00Z')

function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [bin, 'worker'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'ignore'] })
}
const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())))

test('a worker killed with SIGKILL mid-batch: after a restart each of 1,000 messages is received, under one Message-ID each', { timeout: 600_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-once-'))
  const smtp = await startSmtp()
  try {
    const env = await freshDbEnv(path.join(dir, 'data'))
    const db = await openDb({ url: env.DATABASE_URL, dataDir: env.WISMO_DATA_DIR })
    await db.transaction(async (tx) => {
      for (let i = 0; i < N; i++) {
        await queueMessage(tx, { channel: 'email', recipient: `c${i}@example.com`, trigger: 'backordered', dedupeKey: `once:${i}`, subject: `Message ${i}`, body: `Body ${i}`, now: T0 })
      }
    })
    await db.close()
    const base = { ...env, SMTP_URL: smtp.url, WISMO_SWEEP_INTERVAL_SECONDS: '3600', WISMO_SUPPLIER_CHECK_INTERVAL_SECONDS: '3600', WISMO_INBOX_DIR: path.join(dir, 'inbox') }
    const first = startWorker({ ...base, WISMO_NOW: T0.toISOString() })
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (smtp.received.length >= N / 4) {
          clearInterval(timer)
          first.kill('SIGKILL')
          resolve()
        }
      }, 5)
    })
    await exited(first)
    const atKill = smtp.received.length
    assert.ok(atKill < N, `killed mid-batch (${atKill} received)`)
    // Restarted after the claim lease: messages taken by the dead worker are free again.
    const second = startWorker({ ...base, WISMO_NOW: new Date(T0.getTime() + CLAIM_LEASE_MS + 60_000).toISOString() })
    const distinct = () => new Set(smtp.received.map((r) => /^Message-ID: (.+)$/im.exec(r.raw)?.[1].trim())).size
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (distinct() >= N) { clearInterval(timer); resolve() }
      }, 20)
    })
    second.kill('SIGTERM')
    await exited(second)

    const mails = await Promise.all(smtp.received.map((r) => simpleParser(r.raw)))
    const byId = new Map<string, string[]>()
    mails.forEach((m, i) => byId.set(m.messageId!, [...(byId.get(m.messageId!) ?? []), smtp.received[i].raw]))
    assert.equal(byId.size, N, 'every message received under its own Message-ID')
    const repeats = [...byId.values()].filter((v) => v.length > 1)
    assert.ok(repeats.length <= 4, `only messages in flight at the kill can repeat (${repeats.length})`)
    for (const r of repeats) assert.ok(r.every((raw) => raw === r[0]), 'a repeat is the same message, byte for byte')
    const subjects = new Set(mails.map((m) => m.subject))
    assert.equal(subjects.size, N)

    const after = await openDb({ url: env.DATABASE_URL, dataDir: env.WISMO_DATA_DIR })
    const rows = await after.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM notifications GROUP BY status')
    const recorded = await after.query<{ id: string }>(`SELECT delivery ->> 'messageId' AS id FROM notifications`)
    await after.close()
    assert.deepEqual(rows, [{ status: 'sent', n: N }])
    assert.deepEqual(new Set(recorded.map((r) => r.id)), new Set(byId.keys()), 'each row records the Message-ID the server got')
  } finally {
    await smtp.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
