import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed, type SupplierFeedOutcome } from '../../src/feeds/ingest-file.ts'
import { placePurchaseLine, requestSupplierCancel } from '../../src/purchasing/documents.ts'
import { listPurchasingDocuments } from '../../src/purchasing/export.ts'
import { listOpenTasks } from '../../src/store/tasks.ts'
import { interchange } from './build.ts'
import { loadOrderStory } from '../../src/http/pages/console/order-story.ts'
import { statusCommand } from '../../src/cli/status.ts'
import { TestClock } from '../../src/clock.ts'
import type { Config } from '../../src/config.ts'

const NOW = new Date('2026-11-20T10:00:00Z')
let db: Db
/** wismo's 860 to ACME (cancelling its line) and 850 to BOLT (placing it there), by control number. */
let cancel: number
let place: number

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, { orderNumber: 'W8001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 2, supplierId: 'ACME' }] })
  const [{ order_line_id: lineId }] = await db.query<{ order_line_id: number }>('SELECT order_line_id FROM order_lines')
  await db.transaction(async (tx) => {
    cancel = (await requestSupplierCancel(tx, { orderLineId: lineId, reason: 'resourced', now: NOW }))!.controlNumber
    place = (await placePurchaseLine(tx, { orderLineId: lineId, supplierId: 'BOLT', sku: 'TENT-2P-GRN', qty: 2, fromPoLineId: null, now: NOW })).controlNumber
  })
})
afterEach(() => db.close())

/** A 997 (or 999) from `sender` answering one group. */
const ack = (sender: string, body: string[], setId = '997', control = 501) =>
  Buffer.from(interchange([{ id: setId, body }], { sender, control, functionalId: 'FA' }))
const ingest = (body: Buffer, supplierId: string | null = null) =>
  ingestSupplierFeed(db, { body, filename: 'ack.997', supplierId, source: 'test', receivedAt: new Date('2026-11-20T11:00:00Z') })

function applied(o: SupplierFeedOutcome): string[] {
  assert.equal(o.outcome, 'applied', o.outcome === 'quarantined' ? o.reason : '')
  return o.outcome === 'applied' ? o.summary : []
}
const docs = async () => Object.fromEntries((await listPurchasingDocuments(db)).map((d) => [d.kind, d.acknowledgment]))

test("a supplier's 997 accepting wismo's 860 is recorded on the document, and never answered with a 997", async () => {
  const o = await ingest(ack('ACMEEDI', [`AK1*PC*${cancel}`, 'AK2*860*0001', 'AK5*A', 'AK9*A*1*1*1']))
  const summary = applied(o)
  assert.match(summary[0], /^X12 from ACME \(ISA06 ACMEEDI\), interchange 000000501: 997; 1 acknowledgment of wismo's documents$/)
  assert.match(summary[1], new RegExp(`^997 for group PC ${cancel}: 860 for PO W8001 line 1 \\(control ${cancel}\\) accepted \\(997 AK5 A\\)$`))
  assert.equal(o.acknowledgment, null, 'X12 never acknowledges an acknowledgment')
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM acknowledgments')
  assert.equal(n, 0)
  const d = await docs()
  assert.deepEqual({ ...d['860'], receivedAt: '' }, { status: 'accepted', detail: 'accepted (997 AK5 A)', messageId: o.messageId, receivedAt: '' })
  assert.equal(d['850'], null, 'the 850 to BOLT has no answer yet')
})

test("a rejecting 997 says why on the document and opens a rep task; a later acceptance closes it", async () => {
  const rejecting = ack('BOLTEDI', [`AK1*PO*${place}`, 'AK2*850*0001', 'AK3*PO1*5**8', 'AK4*7**7*XX', 'AK5*R*5', 'AK9*R*1*1*0'])
  const summary = applied(await ingest(rejecting))
  assert.match(summary[1], /850 for PO W8001-R1 line 1 \(control \d+\) rejected \(997 AK5 R\); one or more segments in error \(5\); segment PO1 \(position 5\): segment has data element errors \(8\); element 7: invalid code value \(7\), value "XX"; a rep task is open/)
  const d = await docs()
  assert.equal(d["850"]?.status, 'rejected')
  let tasks = (await listOpenTasks(db)).filter((t) => t.kind === 'purchasing_rejected')
  assert.deepEqual(tasks.map((t) => [t.title, t.orderNumber, t.lineNo, t.supplierId]), [['BOLT rejected the 850 for PO W8001-R1 line 1', 'W8001', 1, 'BOLT']])
  assert.match(tasks[0].detail ?? '', /invalid code value \(7\), value "XX"/)

  applied(await ingest(ack('BOLTEDI', [`AK1*PO*${place}`, 'AK9*A*1*1*1'], '997', 502)))
  assert.equal((await docs())["850"]?.status, 'accepted')
  tasks = (await listOpenTasks(db)).filter((t) => t.kind === 'purchasing_rejected')
  assert.equal(tasks.length, 0)
})

test('a 999 is read the same way (IK5); its AK9 answers for the group when no AK2 names the set', async () => {
  applied(await ingest(ack('ACMEEDI', [`AK1*PC*${cancel}*005010X231`, 'AK2*860*0001', 'IK3*POC*3**8', 'IK4*2**7*DI', 'IK5*R*5', 'AK9*R*1*1*0'], '999')))
  const d = await docs()
  assert.equal(d["860"]?.status, 'rejected')
  assert.match(d["860"]?.detail ?? "", /^rejected \(999 AK5 R\); one or more segments in error \(5\); segment POC \(position 3\)/)
})

test('a 997 that matches nothing wismo sent is recorded, changes nothing, and says so', async () => {
  const cases: [Buffer, string | null, RegExp][] = [
    [ack('ACMEEDI', ['AK1*PO*999999', 'AK9*A*1*1*1']), null, /^997 for group PO 999999: matches no purchasing document wismo sent ACME; recorded, nothing changed$/],
    // BOLT cannot answer the 860 wismo sent ACME, whatever control number it names.
    [ack('BOLTEDI', [`AK1*PC*${cancel}`, 'AK9*R*1*1*0'], '997', 503), null, /matches no purchasing document wismo sent BOLT/],
    // A group wismo never sends (an 855 the supplier had acknowledged by someone else).
    [ack('ACMEEDI', ['AK1*PR*17', 'AK9*A*1*1*1'], '997', 504), null, /^997 for group PR 17: matches no purchasing document/],
    [ack('STRANGER', [`AK1*PC*${cancel}`, 'AK9*R*1*1*0'], '997', 505), null, /the sender is not a known supplier/],
  ]
  for (const [body, supplier, line] of cases) {
    const o = await ingest(body, supplier)
    const summary = applied(o)
    assert.match(summary[0], /1 acknowledgment of wismo's documents \(1 matching nothing wismo sent\)/)
    assert.match(summary[1], line)
    assert.equal(o.acknowledgment, null)
  }
  assert.deepEqual(await docs(), { '860': null, '850': null })
  assert.equal((await listOpenTasks(db)).filter((t) => t.kind === 'purchasing_rejected').length, 0)
})

test('a public 999 (a health-care payer answering 837 claims) matches nothing wismo sent: recorded, exit 0, no 997 back', async () => {
  const body = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12/oopfactory-x12parser/Acknowledgments/_999/DHS_Wisconsin_Sample.txt'))
  for (const supplier of ['ACME', null]) {
    const o = await ingest(body, supplier)
    const summary = applied(o)
    assert.match(summary[0], supplier ? /^X12 from ACME / : /^X12 from an unknown sender \(ISA06 123456789\)/)
    assert.match(summary[0], /interchange 000000286: 999; 1 acknowledgment of wismo's documents \(1 matching nothing wismo sent\)$/)
    assert.match(summary[1], supplier ? /^999 for group HC 17456: matches no purchasing document wismo sent ACME/ : /the sender is not a known supplier/)
    assert.equal(o.acknowledgment, null)
  }
})

test('a broken 997 is quarantined with its reason, and still not answered', async () => {
  const o = await ingest(ack('ACMEEDI', [`AK1*PC*${cancel}`, 'AK2*860*0001', 'AK5*Q', 'AK9*A*1*1*1']))
  assert.equal(o.outcome, 'quarantined')
  assert.match(o.outcome === 'quarantined' ? o.reason : '', /\(AK5\): AK501 "Q" is not a transaction set acknowledgment code wismo reads/)
  assert.equal(o.acknowledgment, null)
  assert.equal((await docs())['860'], null)
})

test("the rep sees each document's answer: the console's order story and wismo status", async () => {
  const o = await ingest(ack('BOLTEDI', [`AK1*PO*${place}`, 'AK2*850*0001', 'AK5*R*5', 'AK9*R*1*1*0']))
  applied(o)
  const story = await loadOrderStory(db, 'W8001', { now: new Date('2026-11-20T12:00:00Z'), config: { holidays: [] } })
  assert.deepEqual(story?.documents.map((d) => [d.kind, d.supplierId, d.acknowledgment?.status ?? null]), [['860', 'ACME', null], ['850', 'BOLT', 'rejected']])
  const out: string[] = []
  const ctx = {
    db: async () => db, clock: new TestClock('2026-11-20T12:00:00Z'), config: { holidays: [] } as unknown as Config,
    out: (t: string) => void out.push(t), err: (t: string) => void out.push(t), isTTY: false,
  }
  assert.equal(await statusCommand(ctx, { positionals: ['W8001'], flags: {} }), 0)
  const text = out.join('\n')
  assert.match(text, new RegExp(`Purchasing documents:\\n.*860 to ACME  PO W8001 line 1  control ${cancel}  no 997 yet\\n.*850 to BOLT  PO W8001-R1 line 1  control ${place}  rejected 2026-11-20T11:00:00.000Z  rejected \\(997 AK5 R\\); one or more segments in error \\(5\\)`))
  out.length = 0
  assert.equal(await statusCommand(ctx, { positionals: ['W8001'], flags: { json: true } }), 0)
  const json = JSON.parse(out.join(''))
  assert.deepEqual(json.purchasing.map((d: { kind: string; acknowledgment: { status: string } | null }) => [d.kind, d.acknowledgment?.status ?? null]), [['860', null], ['850', 'rejected']])
})
