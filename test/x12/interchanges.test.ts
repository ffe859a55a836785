import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { parseX12 } from '../../src/feeds/x12/reader.ts'
import { ingestSupplierFeed, type SupplierFeedOutcome } from '../../src/feeds/ingest-file.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { interchange, x12 } from './build.ts'

const fx = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12', name))

const ASN = (po: string, hl3 = 'I') => [
  'BSN*00*SHP-1*20261122*1600', 'HL*1**S', 'TD5*B*2*UPSN*M*UPS GROUND', 'REF*CN*1Z999AA10123456784',
  'HL*2*1*O', `PRF*${po}`, `HL*3*2*${hl3}`, 'LIN*1*BP*TENT-2P-GRN', 'SN1**2*EA',
]
const ACK = (po: string) => ['BAK*00*AC*' + po + '*20261120', 'PO1*2*3*EA***BP*STOVE-1', 'ACK*IB*3*EA']

function refusal(body: Buffer): string {
  try {
    parseX12(body)
  } catch (err) {
    assert.ok(err instanceof DomainError, String(err))
    return [err.message, ...err.details].join('; ')
  }
  return assert.fail('the file was read without a problem')
}

test('HL02 "0" means no parent (Ingram Micro writes HL*1*0*S): the 856 is read', () => {
  const { signals } = parseX12(fx('wismo/856-hl-parent-zero.edi'))
  assert.deepEqual(signals.map((s) => [s.poNumber, s.poLine, s.sku, s.qty, s.carrier, s.trackingNumber]), [
    ['PO-W5001', '1', 'TENT-2P-GRN', 2, 'UPSN', '1Z999AA10123456784'],
  ])
  // "00" reads the same; an 870's HL levels too.
  assert.equal(parseX12(x12('856', ASN('PO-1').map((s) => (s === 'HL*1**S' ? 'HL*1*00*S' : s)))).signals.length, 1)
})

test('HL03 must be a hierarchical level code: "ZZZ" is refused with AK3 HL and AK4 element 3, code 7', () => {
  assert.match(refusal(x12('856', ASN('PO-1', 'ZZZ'))), /segment #10 \(HL\): HL03 "ZZZ" is not a hierarchical level code wismo reads/)
  const status = ['BSR*2*PP*ST-1*20261120', 'HL*1**ZZZ', 'PRF*PO-1', 'ISR*BO*20261210']
  assert.match(refusal(x12('870', status)), /\(HL\): HL03 "ZZZ" is not a hierarchical level code/)
})

test('a transaction set in a group of another kind is refused: an 870 in GS*HP, a 855 in GS*SH', () => {
  const status = ['BSR*2*PP*ST-1*20261120', 'HL*1**O', 'PRF*PO-1', 'ISR*BO*20261210']
  assert.match(refusal(x12('870', status, { functionalId: 'HP' })), /segment #3 \(ST\): transaction set 870 does not belong in a GS01 "HP" group \(870 travels in GS01 RS/)
  assert.match(refusal(x12('855', ACK('PO-1'), { functionalId: 'SH' })), /transaction set 855 does not belong in a GS01 "SH" group/)
})

let db: Db
beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W5001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z',
    lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 2, supplierId: 'ACME', poNumber: 'PO-W5001' }, { lineNo: 2, sku: 'STOVE-1', qty: 3, supplierId: 'ACME', poNumber: 'PO-W5001' }],
  })
})
afterEach(() => db.close())

const ingest = (body: Buffer, supplierId: string | null = null) =>
  ingestSupplierFeed(db, { body, filename: 'feed.edi', supplierId, source: 'test', receivedAt: new Date('2026-11-23T16:00:00Z') })
const count = async (sql: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`))[0].n
const acks = async (messageId: number) =>
  (await db.query<{ interchange_control: string; body: string }>('SELECT interchange_control, body FROM acknowledgments WHERE message_id = $1 ORDER BY ack_id', [messageId]))

function applied(o: SupplierFeedOutcome): string[] {
  assert.equal(o.outcome, 'applied', o.outcome === 'quarantined' ? o.reason : '')
  return o.outcome === 'applied' ? o.summary : []
}

test('the HL*1*0*S ship notice is applied: the line ships', async () => {
  const summary = applied(await ingest(fx('wismo/856-hl-parent-zero.edi')))
  assert.match(summary.join('\n'), /PO PO-W5001 line 1 \(TENT-2P-GRN\): shipped, qty 2, UPSN 1Z999AA10123456784/)
  assert.equal(await count('shipments'), 1)
})

test('one bad interchange of several is refused alone: the others are applied, and each 997 says what it found', async () => {
  const good = interchange([{ id: '855', body: ACK('PO-W5001') }], { control: 11 })
  const bad = interchange([{ id: '856', body: ASN('PO-W5001', 'ZZZ') }], { control: 12 })
  const wrongGroup = interchange([{ id: '870', body: ['BSR*2*PP*ST-1*20261120', 'HL*1**O', 'PRF*PO-W5001', 'ISR*BO*20261210'] }], { control: 13, functionalId: 'HP' })
  const o = await ingest(Buffer.from(good + bad + wrongGroup))
  const summary = applied(o)
  assert.match(summary[0], /interchange 000000011, 000000012, 000000013/)
  assert.ok(summary.some((l) => /PO PO-W5001 line 2 \(STOVE-1\): backordered, qty 3/.test(l)), summary.join('\n'))
  assert.ok(summary.some((l) => /^interchange 000000012 refused: segment #\d+ \(HL\): HL03 "ZZZ" is not a hierarchical level code/.test(l)), summary.join('\n'))
  assert.ok(summary.some((l) => /^interchange 000000013 refused: .*transaction set 870 does not belong in a GS01 "HP" group/.test(l)), summary.join('\n'))
  assert.equal(await count('shipments'), 0, 'nothing of the refused interchange was applied')
  assert.equal(await count("supplier_signals WHERE raw_code LIKE '870%'"), 0)
  assert.equal(await count("supplier_signals WHERE raw_code LIKE '855%'"), 1)

  const [a11, a12, a13] = await acks(o.messageId)
  assert.deepEqual([a11.interchange_control, a12.interchange_control, a13.interchange_control], ['000000011', '000000012', '000000013'])
  assert.match(a11.body, /AK1\*PR\*11~\nAK2\*855\*0001~\nAK5\*A~\nAK9\*A\*1\*1\*1~/)
  assert.match(a12.body, /AK1\*SH\*12~\nAK2\*856\*0001~\nAK3\*HL\*8\*\*8~\nAK4\*3\*\*7\*ZZZ~\nAK5\*R\*5~\nAK9\*R\*1\*1\*0~/)
  assert.match(a13.body, /AK1\*HP\*13~\nAK2\*870\*0001~\nAK5\*R\*6~\nAK9\*R\*1\*1\*0~/)
  assert.equal(o.acknowledgment, a11.body + a12.body + a13.body)
})

test('an interchange cut off by the next ISA is refused; the next one is read afresh; an unreadable tail is refused', async () => {
  const first = interchange([{ id: '855', body: ACK('PO-W5001') }], { control: 21 })
  const unclosed = first.replace(/GE\*1\*21~\nIEA\*1\*000000021~\n$/, '')
  const second = interchange([{ id: '856', body: ASN('PO-W5001') }], { control: 22 })
  let summary = applied(await ingest(Buffer.from(unclosed + second)))
  assert.ok(summary.some((l) => /^interchange 000000021 refused: segment #\d+ \(ISA\): group 21 has no GE trailer before this ISA/.test(l)), summary.join('\n'))
  assert.equal(await count('shipments'), 1)
  assert.equal(await count("supplier_signals WHERE raw_code LIKE '855%'"), 0)

  const third = interchange([{ id: '855', body: ACK('PO-W5001') }], { control: 23 })
  summary = applied(await ingest(Buffer.from(`${third}ISA*00*garbage~\n`)))
  assert.ok(summary.some((l) => /^the rest of the file was not read: segment #\d+ \(ISA\): the ISA header is cut short or corrupt/.test(l)), summary.join('\n'))
  assert.equal(await count("supplier_signals WHERE raw_code LIKE '855%'"), 1)
})

test('when every interchange is refused the file is quarantined, each with its own rejecting 997', async () => {
  const a = interchange([{ id: '856', body: ASN('PO-W5001', 'ZZZ') }], { control: 31 })
  const b = interchange([{ id: '855', body: ACK('PO-W5001') }], { control: 32 }).replace('SE*5*0001', 'SE*9*0001')
  const o = await ingest(Buffer.from(a + b))
  assert.equal(o.outcome, 'quarantined')
  assert.match(o.outcome === 'quarantined' ? o.reason : '', /HL03 "ZZZ".*SE01 says 9/)
  const [x, y] = await acks(o.messageId)
  assert.match(x.body, /AK3\*HL\*8\*\*8~\nAK4\*3\*\*7\*ZZZ~\nAK5\*R\*5~/)
  assert.match(y.body, /AK2\*855\*0001~\nAK5\*R\*4~/)
  assert.equal(await count('supplier_signals'), 0)
})

test('public samples joined in one file: each interchange stands on its own, whichever sender id it carries', async () => {
  const joined = Buffer.concat([fx('node-x12/855.edi'), fx('olmelabs-EdiEngine/WrongGroupsAndTranCount.edi'), fx('olmelabs-EdiEngine/856.Crossdock.OK.edi')])
  const o = await ingest(joined, 'ACME')
  const summary = applied(o)
  assert.match(summary[0], /^X12 from ACME \(ISA06 1556150\), interchange 000000005, 000003438, 000000091: 855, 940, 856; 9 signals/)
  assert.ok(summary.some((l) => /^interchange 000003438 refused: segment #\d+ \(ST\): transaction set 940 is not a supplier feed wismo reads/.test(l)), summary.join('\n'))
  const bodies = (await acks(o.messageId)).map((a) => a.body)
  assert.equal(bodies.length, 3)
  assert.match(bodies[0], /AK5\*A~\nAK9\*A\*1\*1\*1~/)
  assert.match(bodies[1], /AK2\*940\*0001~\nAK5\*R\*1~\nAK9\*R\*2\*1\*0\*5~/)
  assert.match(bodies[2], /AK5\*A~\nAK9\*A\*1\*1\*1~/)

  // Sender ids of two different suppliers in one file are refused whole.
  const bolt = interchange([{ id: '855', body: ACK('PO-W5001') }], { control: 41, sender: 'BOLTEDI' })
  const acme = interchange([{ id: '855', body: ACK('PO-W5001') }], { control: 42 })
  const mixed = await ingest(Buffer.from(acme + bolt))
  assert.match(mixed.outcome === 'quarantined' ? mixed.reason : '', /^the file holds interchanges of several suppliers \(ISA06 "ACMEEDI" \(qualifier ZZ\) is supplier ACME, ISA06 "BOLTEDI" \(qualifier ZZ\) is supplier BOLT\)/)
})
