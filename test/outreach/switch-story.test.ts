/**
 * The whole story of a switched line (issue 15 item 18): backordered → delay notice → the customer
 * (or a rep) switches → sweeps over the next days → ships. Every message the customer receives is
 * read from a real SMTP server, and every entry of the delay-notice record: a switch is confirmed
 * with the new item and its date, and never answered with a delay notice for the line just chosen.
 */
import { test, before, after, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ParsedMail } from 'mailparser'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { formatDay } from '../../src/domain/text.ts'
import { loadFtcRecord } from '../../src/store/ftc-record.ts'
import { freshDb, freshDbEnv } from '../helpers/db.ts'
import { runWismo } from '../helpers/cli.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { startSmtp, type TestSmtp } from '../notify/mail-helpers.ts'
import { choiceTokenOf, feed, outreach, parseAll, sweepAndSend } from './helpers.ts'

let smtp: TestSmtp
let db: Db
before(async () => { smtp = await startSmtp() })
after(() => smtp.close())
beforeEach(async () => {
  db = await freshDb()
  smtp.received.length = 0
  await seedCatalog(db)
  // Promised ship date Thu 2026-11-05. BOLT has the same tent in stock (lead time 2 business days).
  await seedOrder(db, {
    orderNumber: 'W1', email: 'dana@example.com', placedAt: '2026-11-02T10:00:00Z', promisedShipDate: '2026-11-05',
    lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }, { lineNo: 2, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }],
  })
})
afterEach(() => db.close())

const DELAY_WORDS = /new delay|want to wait|Unless you tell us|We do not know yet when it will ship|is delayed|backordered/i

/** Everything received since `from`, parsed. */
const mailsSince = async (from: number): Promise<ParsedMail[]> => parseAll(smtp.received.slice(from))

test('a customer who switches through the link gets a confirmation with the new date, and no delay notice on any day after', async () => {
  await feed(db, ['W1,1,,backordered,1,2026-12-15,,', 'W1,2,,accepted,1,2026-11-04,,'], '2026-11-03T14:00:00Z')
  await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url)
  const [notice] = await parseAll(smtp.received)
  assert.match(notice.subject ?? '', /backordered — your options/)
  // The customer follows the link in the notice and switches to the same tent from another supplier.
  const token = choiceTokenOf(notice)
  assert.ok(token, String(notice.html))
  const clock = new TestClock('2026-11-04T14:00:00Z')
  const app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret: outreach().secret } })
  let eta: string
  try {
    const res = await app.inject({ method: 'POST', url: '/api/orders/W1/lines/1/choice', payload: { token, choice: 'switch', sku: 'TENT-2P-GRN' } })
    assert.equal(res.statusCode, 200, res.body)
    eta = res.json().switched.eta
  } finally {
    await app.close()
  }
  await feed(db, ['W1,2,,shipped,1,,UPS,1Z999AA10123456793'], '2026-11-04T14:01:00Z')

  // Minutes later: one message, the confirmation of the switch.
  let seen = smtp.received.length
  await sweepAndSend(db, '2026-11-04T14:05:00Z', smtp.url)
  const [confirm, ...more] = await mailsSince(seen)
  assert.equal(more.length, 0, 'one message')
  assert.match(confirm.subject ?? '', /^Order W1: we found your item elsewhere$/)
  const text = confirm.text ?? ''
  assert.match(text, /Your item is now Trailhead 2P Tent, green from stock we found elsewhere, as you chose\./)
  assert.ok(text.includes(formatDay(eta)), `the new date (${eta}) is in the confirmation:\n${text}`)
  assert.doesNotMatch(text, DELAY_WORDS)
  assert.doesNotMatch(confirm.html as string, DELAY_WORDS)
  assert.doesNotMatch(text, /\/l\/[A-Za-z0-9_-]{16}|choose\?token=/, 'nothing to decide')
  const rows = await db.query<{ triggers: string[]; required: boolean }>('SELECT triggers, required FROM notifications ORDER BY notification_id')
  assert.deepEqual(rows.at(-1)!.triggers, ['switched'])

  // The following days, through the new promised ship date (the new supplier confirms it): nothing to tell.
  seen = smtp.received.length
  await feed(db, ['W1-R1,1,,accepted,1,2026-11-06,,'], '2026-11-05T12:00:00Z', 'BOLT')
  for (const t of ['2026-11-04T20:00:00Z', '2026-11-05T15:00:00Z', '2026-11-06T13:00:00Z']) await sweepAndSend(db, t, smtp.url)
  assert.deepEqual((await mailsSince(seen)).map((m) => m.subject), [])

  // The new supplier ships it on its promised day: the customer hears it shipped, with tracking.
  await feed(db, ['W1-R1,1,,shipped,1,,UPS,1Z999AA10123456784'], '2026-11-06T14:00:00Z', 'BOLT')
  for (const t of ['2026-11-06T15:00:00Z', '2026-11-20T15:00:00Z', '2026-12-06T15:00:00Z', '2026-12-16T15:00:00Z']) await sweepAndSend(db, t, smtp.url)
  const late = await mailsSince(seen)
  assert.deepEqual(late.map((m) => m.subject), ['Order W1 has shipped'])
  assert.match(late[0].text ?? '', /1Z999AA10123456784/)
  assert.doesNotMatch(late[0].text ?? '', DELAY_WORDS)
  assert.equal((late[0].text ?? '').match(/should arrive/g)?.length, 1, 'the date is said once')

  const [line] = await db.query<{ cancelled_at: Date | null }>('SELECT cancelled_at FROM order_lines WHERE line_no = 1')
  assert.equal(line.cancelled_at, null)
  const ftc = (await loadFtcRecord(db, 'W1'))!.lines[0]
  assert.deepEqual(ftc.notices.map((n) => [n.kind, n.revisedDate]), [['first', '2026-12-15']], 'no renewed notice: the switch is no delay')
  assert.deepEqual(ftc.answers.map((a) => [a.choice, a.fromSku, a.sku, a.decidedBy, a.channel]), [['switch', 'TENT-2P-GRN', 'TENT-2P-GRN', 'customer', 'link']])
  assert.equal(ftc.applicableDate, '2026-11-06', 'the new item\'s own promise, counted from the switch')
  assert.equal(ftc.cancellation, null)
})

test('a switched line late on its own new promise gets a first notice of its own, never a renewed one', async () => {
  await feed(db, ['W1,1,,backordered,1,,,', 'W1,2,,shipped,1,,UPS,1Z999AA10123456793'], '2026-11-03T14:00:00Z')
  await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url)
  const { recordChoice } = await import('../../src/choices/record-choice.ts')
  await recordChoice(db, { orderNumber: 'W1', lineNo: 1, choice: 'switch', sku: 'TENT-2P-GRN', decidedBy: 'rep:sam@store.example', channel: 'console', now: new Date('2026-11-04T14:00:00Z') })
  const seen = smtp.received.length
  for (const t of ['2026-11-04T14:05:00Z', '2026-11-05T15:00:00Z', '2026-11-06T15:00:00Z']) await sweepAndSend(db, t, smtp.url)
  const mails = await mailsSince(seen)
  assert.deepEqual(mails.map((m) => m.subject), ['Order W1: we found your item elsewhere', 'Order W1 is delayed — your options'])
  assert.match(mails[0].text ?? '', /Recorded by our customer service team at your request\./)
  const ftc = (await loadFtcRecord(db, 'W1'))!.lines[0]
  assert.deepEqual(ftc.notices.map((n) => n.kind), ['first', 'first'], 'the old item\'s notice, then the new item\'s own first notice on its promised day')
})

test('switches made before confirmations existed are not confirmed weeks later by an upgrade (migration 105)', async () => {
  await feed(db, ['W1,1,,backordered,1,,,', 'W1,2,,shipped,1,,UPS,1Z999AA10123456793'], '2026-11-03T14:00:00Z')
  await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url)
  const { recordChoice } = await import('../../src/choices/record-choice.ts')
  await recordChoice(db, { orderNumber: 'W1', lineNo: 1, choice: 'switch', sku: 'TENT-2P-GRN', decidedBy: 'customer', channel: 'page', now: new Date('2026-11-04T14:00:00.123Z') })
  const migration = fs.readFileSync(new URL('../../src/store/migrations/105_switch_confirmations.sql', import.meta.url), 'utf8')
  await db.query(migration)
  const seen = smtp.received.length
  await sweepAndSend(db, '2026-11-04T14:05:00Z', smtp.url)
  assert.deepEqual((await mailsSince(seen)).map((m) => m.subject), [])
})

test('a rep switches with `wismo choose`: the next `wismo sweep` confirms it, and `wismo ftc --json` records no renewed notice', { timeout: 1_500_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-switch-'))
  try {
    const env = { ...(await freshDbEnv(path.join(dir, 'data'))), SMTP_URL: smtp.url, WISMO_PUBLIC_URL: 'https://shop.example', WISMO_SECRET: 'cli-secret-0123456789abcdef' }
    const wismo = (now: string, ...args: string[]) => runWismo([...args, '--now', now], env)
    const file = (name: string, text: string) => { const p = path.join(dir, name); fs.writeFileSync(p, text); return p }
    const ok = async (p: Promise<{ code: number; stdout: string; stderr: string }>) => {
      const r = await p
      assert.equal(r.code, 0, r.stderr)
      return r.stdout
    }
    const t0 = '2026-11-03T14:00:00Z'
    await ok(wismo(t0, 'import', 'suppliers', file('s.csv', 'supplier_id,name,email,phone,edi_id,lead_time_days\nACME,Acme,a@acme.example,,ACMEEDI,3\nBOLT,Bolt,b@bolt.example,,BOLTEDI,2\n')))
    await ok(wismo(t0, 'import', 'products', file('p.csv', 'sku,name,brand,family,color,size,price\nTENT-GRN,Trailhead 2P Tent green,Trailhead,TENT,green,2P,249.00\n')))
    await ok(wismo(t0, 'import', 'offers', file('o.csv', 'supplier_id,sku,supplier_sku,cost,available_qty,restock_date,lead_time_days\nACME,TENT-GRN,A1,150,0,,\nBOLT,TENT-GRN,B1,155,9,,\n')))
    await ok(wismo(t0, 'import', 'orders', file('w.csv', 'order_number,placed_at,customer_name,customer_email,customer_phone,postal_code,line_no,sku,qty,supplier_id,po_number,po_line,promised_ship_date\nW7,2026-11-02T10:00:00Z,Dana,dana@example.com,,30301,1,TENT-GRN,1,ACME,,,2026-11-05\n')))
    await ok(wismo(t0, 'ingest', file('f.csv', 'po_number,po_line,sku,status,qty,expected_ship_date\nW7,1,TENT-GRN,backordered,1,2026-12-15\n'), '--supplier', 'ACME'))
    await ok(wismo('2026-11-03T15:00:00Z', 'sweep'))
    const seen = smtp.received.length
    assert.match(await ok(wismo('2026-11-04T14:00:00Z', 'choose', 'W7', '1', 'switch', 'TENT-GRN', '--rep', 'sam@store.example')), /switch recorded/)
    await ok(wismo('2026-11-04T14:05:00Z', 'sweep'))
    await ok(wismo('2026-11-05T15:00:00Z', 'sweep'))
    const mails = await mailsSince(seen)
    const toDana = mails.filter((m) => m.to && !Array.isArray(m.to) && m.to.text === 'dana@example.com')
    assert.deepEqual(toDana.map((m) => m.subject), ['Order W7: we found your item elsewhere'])
    assert.doesNotMatch(toDana[0].text ?? '', DELAY_WORDS)
    const ftc = JSON.parse(await ok(wismo('2026-11-05T15:00:00Z', 'ftc', 'W7', '--json')))
    assert.deepEqual(ftc.lines[0].notices.map((n: { kind: string }) => n.kind), ['first'])
    assert.deepEqual(ftc.lines[0].answers.map((a: { choice: string; decidedBy: string }) => [a.choice, a.decidedBy]), [['switch', 'rep:sam@store.example']])
    const sent = JSON.parse(await ok(wismo('2026-11-05T15:00:00Z', 'notifications', '--order', 'W7', '--json')))
    assert.deepEqual(sent.map((n: { triggers: string[] }) => n.triggers), [['switched'], ['backordered']])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
