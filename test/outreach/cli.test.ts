import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDb } from '../../src/store/db.ts'
import { freshDbEnv } from '../helpers/db.ts'
import { runWismo } from '../helpers/cli.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { feed } from './helpers.ts'

test('wismo sweep tells the customer; notifications --json, ftc and status show it', { timeout: 1_500_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-cli-outreach-'))
  try {
    const env: Record<string, string> = { ...(await freshDbEnv(path.join(dir, 'data'))), WISMO_OUTBOX_DIR: path.join(dir, 'outbox'), WISMO_STORE_PHONE: '1-800-555-0142' }
    const db = await openDb({ url: env.DATABASE_URL, dataDir: env.WISMO_DATA_DIR })
    await seedCatalog(db)
    await seedOrder(db, { orderNumber: 'W1', email: 'dana@example.com', placedAt: '2026-11-02T10:00:00Z', promisedShipDate: '2026-11-05',
      lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }] })
    await feed(db, ['W1,1,,backordered,1,,,'], '2026-11-03T14:00:00Z')
    await db.close()
    const sweep = await runWismo(['sweep', '--now', '2026-11-03T15:00:00Z'], env)
    assert.equal(sweep.code, 0, sweep.stderr)
    assert.match(sweep.stdout, /outreach: 1 orders looked at, 1 messages queued/)
    const list = await runWismo(['notifications', '--json'], env)
    const [n] = JSON.parse(list.stdout)
    assert.deepEqual(Object.keys(n).sort(), ['attempts', 'channel', 'createdAt', 'error', 'id', 'lines', 'orderNumber', 'sentAt', 'status', 'subject', 'to', 'triggers'])
    assert.deepEqual([n.orderNumber, n.channel, n.to, n.triggers, n.lines, n.status], ['W1', 'email', 'dana@example.com', ['backordered'], [1], 'sent'])
    assert.equal(fs.readdirSync(path.join(dir, 'outbox')).filter((f) => f.endsWith('.eml')).length, 1)
    const ftc = await runWismo(['ftc', 'W1', '--json', '--now', '2026-11-03T16:00:00Z'], env)
    assert.equal(ftc.code, 0, ftc.stderr)
    const rec = JSON.parse(ftc.stdout)
    assert.equal(rec.lines[0].applicableDate, '2026-11-05')
    assert.deepEqual([rec.lines[0].notices[0].kind, rec.lines[0].notices[0].revisedDate, rec.lines[0].notices[0].silence, rec.lines[0].notices[0].cancelOn],
      ['first', null, 'cancel', '2026-12-05'])
    assert.match(rec.lines[0].notices[0].messageId, /^<wismo\./)
    assert.equal(rec.lines[0].applicableBasis, 'promised_ship_date')
    assert.deepEqual([rec.lines[0].notices[0].channel, rec.lines[0].notices[0].complete, rec.lines[0].notices[0].reached], ['email', true, true])
    assert.deepEqual(rec.lines[0].notices[0].messages.map((m: { channel: string; complete: boolean }) => [m.channel, m.complete]), [['email', true]])
    assert.deepEqual([rec.lines[0].refunds, rec.lines[0].refundAmount, rec.lines[0].refundDueDate], [[], null, null])
    const text = await runWismo(['ftc', 'W1'], env)
    assert.match(text.stdout, /applicable time 2026-11-05 \(promised_ship_date\)/)
    assert.match(text.stdout, /revised date unknown; silence is not consent/)
    assert.match(text.stdout, /complete notice; reached the customer 2026-11-03T15:00:00.000Z/)
    const status = await runWismo(['status', 'W1', '--now', '2026-11-03T16:00:00Z'], env)
    assert.match(status.stdout, /Told:\n {2}2026-11-03T15:00:00.000Z {2}email dana@example.com {2}\[backordered\] lines 1 {2}sent/)
    assert.equal((await runWismo(['ftc', 'NOPE'], env)).code, 1)
    const again = await runWismo(['sweep', '--now', '2026-11-04T15:00:00Z'], env)
    assert.match(again.stdout, /0 messages queued/)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
