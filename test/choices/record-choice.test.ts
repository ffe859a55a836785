import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { X12Parser } from 'node-x12'
import { freshDb } from '../helpers/db.ts'
import { recordChoice } from '../../src/choices/record-choice.ts'
import { getOrderStatus, presentCustomerView } from '../../src/status/order-status.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { exportPurchasingDocuments, listPurchasingDocuments } from '../../src/purchasing/export.ts'
import { listRefunds } from '../../src/store/refunds.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { listOpenTasks } from '../../src/store/tasks.ts'
import { NOW, backorder, seedAlternatives, snapshotCounts } from './fixture.ts'

const rep = { decidedBy: 'rep:cli', channel: 'cli' as const, now: NOW }

/** node-x12's strict parser reads it back: envelopes and control numbers agree. */
function parseBack(x12: string) {
  const ic = new X12Parser(true).parse(x12) as any
  const group = ic.functionalGroups[0]
  const tx = group.transactions[0]
  const seg = (tag: string) => tx.segments.find((s: any) => s.tag === tag)
  // Envelopes: SE01 counts ST..SE, and each trailer repeats its header's control number.
  assert.equal(Number(tx.trailer.valueOf(1)), tx.segments.length + 2)
  assert.equal(tx.trailer.valueOf(2), tx.header.valueOf(2))
  assert.equal(group.trailer.valueOf(2), group.header.valueOf(6))
  assert.equal(Number(ic.trailer.valueOf(2)), Number(ic.header.valueOf(13)))
  assert.equal(x12.split('~')[0].length, 105, 'ISA is fixed-width')
  return { ic, group, tx, seg }
}

async function refused(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof DomainError, String(err))
    assert.equal(err.code, code)
    if (message) assert.match(err.message, message)
    return true
  })
}

test('switch re-sources the line: 860 to the old supplier, 850 to the new, line follows the new item', async () => {
  const db = await freshDb()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-purchasing-'))
  try {
    await seedAlternatives(db)
    await backorder(db)
    const r = await recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 1, choice: 'switch', sku: 'TENT-2P-GRN' })
    assert.equal(r.switched?.supplierId, 'BOLT')
    assert.equal(r.switched?.poNumber, 'W100-R1')
    assert.equal(r.refund, null)
    const docs = await listPurchasingDocuments(db)
    assert.deepEqual(docs.map((d) => [d.kind, d.supplierId, d.poNumber, d.poLine]), [['860', 'ACME', 'W100', '1'], ['850', 'BOLT', 'W100-R1', '1']])
    const p860 = parseBack(docs[0].x12)
    assert.equal(p860.tx.header.valueOf(1), '860')
    assert.equal(p860.seg('BCH').valueOf(3), 'W100')
    assert.equal(p860.seg('POC').valueOf(1), '1')
    assert.equal(p860.seg('POC').valueOf(2), 'DI')
    assert.equal(p860.seg('POC').valueOf(3), '2')
    const p850 = parseBack(docs[1].x12)
    assert.equal(p850.seg('BEG').valueOf(3), 'W100-R1')
    const po1 = p850.seg('PO1')
    assert.deepEqual([1, 2, 3, 4, 6, 7, 8, 9].map((i) => po1.valueOf(i)), ['1', '2', 'EA', '155.00', 'BP', 'TENT-2P-GRN', 'VP', 'B-TENT2G'])
    assert.equal(p850.seg('N4').valueOf(3), '30301')
    assert.equal(docs[1].x12.split('~')[0].split('*')[13], String(docs[1].controlNumber).padStart(9, '0'))
    assert.notEqual(docs[0].controlNumber, docs[1].controlNumber)
    assert.match(docs[1].csv, /^document,control_number,action,.*\n850,\d+,new,BOLT,W100-R1,1,TENT-2P-GRN,B-TENT2G,2,155.00,W100,Dana Fields,30301,/)
    const written = await exportPurchasingDocuments(db, dir, NOW)
    assert.equal(written.length, 2)
    assert.ok(fs.existsSync(path.join(dir, 'BOLT', `850-W100-R1-${String(docs[1].controlNumber).padStart(9, '0')}.csv`)))
    assert.deepEqual(await exportPurchasingDocuments(db, dir, NOW), [], 'written once')

    const view = presentCustomerView((await getOrderStatus(db, 'W100', { now: NOW, calendar: DEFAULT_CALENDAR }))!)
    assert.equal(view.lines[0].state, 'processing')
    assert.deepEqual(view.lines[0].alternatives, [])
    assert.equal(view.lines[0].eta?.latest, '2026-03-13')
    const history = await db.query<{ cause: string }>(`SELECT cause FROM line_state_history h JOIN order_lines l USING (order_line_id) WHERE l.line_no = 1 ORDER BY history_id`)
    assert.match(history.at(-1)!.cause, /switched by rep:cli \(cli\) from TENT-2P-GRN \(ACME\) to TENT-2P-GRN \(BOLT\), PO W100-R1/)

    // The old supplier's late 855 for the cancelled line does not bring it back: a rep task instead.
    const late = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nW100,1,TENT-2P-GRN,shipped,2,,UPS,1Z999AA10123456784\n'
    await ingestSupplierFeed(db, { body: Buffer.from(late), filename: 'late.csv', supplierId: 'ACME', source: 'cli', receivedAt: new Date('2026-03-05T10:00:00Z') })
    await runSweep(db, { now: new Date('2026-03-05T11:00:00Z'), calendar: DEFAULT_CALENDAR, delayGraceDays: 1 })
    const after = presentCustomerView((await getOrderStatus(db, 'W100', { now: new Date('2026-03-05T11:00:00Z'), calendar: DEFAULT_CALENDAR }))!)
    assert.equal(after.lines[0].state, 'processing')
    const tasks = await listOpenTasks(db)
    assert.ok(tasks.some((t) => t.kind === 'cancelled_po_signal' && t.orderNumber === 'W100' && t.lineNo === 1), JSON.stringify(tasks))
  } finally {
    await db.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('cancel cancels the open quantity and records a refund due; wait records consent once', async () => {
  const db = await freshDb()
  try {
    await seedAlternatives(db)
    await backorder(db)
    const w = await recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 1, choice: 'wait' })
    assert.equal(w.choice, 'wait')
    await refused(recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 1, choice: 'wait' }), 'CHOICE_ALREADY_RECORDED')
    const c = await recordChoice(db, { decidedBy: 'customer', channel: 'link', now: NOW, orderNumber: 'W100', lineNo: 1, choice: 'cancel' })
    assert.deepEqual(c.refund && { amount: c.refund.amount, dueBy: c.refund.dueBy }, { amount: 498, dueBy: '2026-03-13' })
    assert.deepEqual((await listRefunds(db)).map((r) => [r.orderNumber, r.lineNo, r.sku, r.qty, r.amount, r.reason]), [['W100', 1, 'TENT-2P-GRN', 2, 498, 'customer_cancel']])
    const docs = await listPurchasingDocuments(db)
    assert.deepEqual(docs.map((d) => [d.kind, d.supplierId, d.poNumber]), [['860', 'ACME', 'W100']])
    const view = presentCustomerView((await getOrderStatus(db, 'W100', { now: NOW, calendar: DEFAULT_CALENDAR }))!)
    assert.equal(view.lines[0].state, 'cancelled')
    const choices = await db.query<{ choice: string; decided_by: string; channel: string }>('SELECT choice, decided_by, channel FROM line_choices ORDER BY choice_id')
    assert.deepEqual(choices.map((x) => [x.choice, x.decided_by, x.channel]), [['wait', 'rep:cli', 'cli'], ['cancel', 'customer', 'link']])
    await refused(recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 1, choice: 'cancel' }), 'CHOICE_LINE_NOT_ELIGIBLE', /line 1 is cancelled/)
  } finally {
    await db.close()
  }
})

test('every refusal says why and changes nothing', async () => {
  const db = await freshDb()
  try {
    await seedAlternatives(db)
    await backorder(db)
    const before = await snapshotCounts(db)
    await refused(recordChoice(db, { ...rep, orderNumber: 'NOPE', lineNo: 1, choice: 'wait' }), 'CHOICE_ORDER_NOT_FOUND')
    await refused(recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 9, choice: 'wait' }), 'CHOICE_LINE_NOT_FOUND')
    await refused(recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 2, choice: 'cancel' }), 'CHOICE_LINE_NOT_ELIGIBLE', /line 2 is processing/)
    await refused(recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 1, choice: 'switch', sku: 'STOVE-1' }), 'CHOICE_SKU_NOT_OFFERED')
    await refused(recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 1, choice: 'switch' }), 'CHOICE_SKU_REQUIRED')
    await refused(recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 1, choice: 'refund' }), 'CHOICE_INVALID')
    // Dearer than the line (259 vs 249, 4%) with no absorb allowance: the customer must confirm.
    await refused(recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 1, choice: 'switch', sku: 'TENT-2P-BLU' }), 'CHOICE_PRICE_CONFIRMATION_REQUIRED', /10\.00 more per unit/)
    await db.query(`UPDATE offers SET available_qty = 1 WHERE supplier_id = 'BOLT'`)
    await refused(recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 1, choice: 'switch', sku: 'TENT-2P-GRN' }), 'CHOICE_OUT_OF_STOCK')
    assert.equal(await snapshotCounts(db), before)
    // Within the absorb percent it goes through; a cheaper one refunds the difference.
    const absorbed = await recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 1, choice: 'switch', sku: 'TENT-2P-BLU', config: { switchAbsorbPercent: 5 } })
    assert.match(absorbed.summary.join('\n'), /absorbed/)
  } finally {
    await db.close()
  }
})

test('a cheaper alternative records the refund of the difference; an accepted dearer one changes the price', async () => {
  const db = await freshDb()
  try {
    await seedAlternatives(db)
    await backorder(db)
    const r = await recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 1, choice: 'switch', sku: 'RIDGE-2P-GRN' })
    assert.deepEqual(r.refund && [r.refund.amount, r.refund.reason], [40, 'price_difference'])
    const [line] = await db.query<{ sku: string; supplier_id: string; unit_price: number }>(`SELECT sku, supplier_id, unit_price FROM order_lines WHERE line_no = 1`)
    assert.deepEqual(line, { sku: 'RIDGE-2P-GRN', supplier_id: 'CORE', unit_price: 229 })
    const docs = await listPurchasingDocuments(db, { supplierId: 'CORE' })
    assert.equal(docs.length, 1)
    const p = parseBack(docs[0].x12)
    assert.equal(p.ic.header.valueOf(8).trim(), 'CORE', 'a supplier without an EDI id is addressed by its id')
  } finally {
    await db.close()
  }
})

test('stock promised to an accepted switch is not offered twice', async () => {
  const db = await freshDb()
  try {
    await seedAlternatives(db)
    await db.query(`UPDATE offers SET available_qty = 3 WHERE supplier_id = 'BOLT'`)
    // A second order for the same tent, also backordered.
    await db.query(`INSERT INTO orders (order_number, placed_at, customer_id, postal_code) SELECT 'W101', placed_at, customer_id, postal_code FROM orders WHERE order_number = 'W100'`)
    const [l] = await db.query<{ order_line_id: number }>(`INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id) SELECT order_id, 1, 'TENT-2P-GRN', 2, 'ACME' FROM orders WHERE order_number = 'W101' RETURNING order_line_id`)
    await db.query(`INSERT INTO po_lines (order_line_id, supplier_id, po_number, po_line, sku, qty) VALUES ($1, 'ACME', 'W101', '1', 'TENT-2P-GRN', 2)`, [l.order_line_id])
    await backorder(db)
    await ingestSupplierFeed(db, { body: Buffer.from('po_number,po_line,sku,status,qty,expected_ship_date\nW101,1,TENT-2P-GRN,backordered,2,2026-04-20\n'), filename: 'b.csv', supplierId: 'ACME', source: 'cli', receivedAt: new Date('2026-03-03T13:00:00Z') })
    await recordChoice(db, { ...rep, orderNumber: 'W100', lineNo: 1, choice: 'switch', sku: 'TENT-2P-GRN' })
    const other = presentCustomerView((await getOrderStatus(db, 'W101', { now: NOW, calendar: DEFAULT_CALENDAR }))!)
    assert.equal(other.lines[0].state, 'backordered')
    assert.ok(!other.lines[0].alternatives.some((a) => a.kind === 'other_supplier'), 'BOLT has 3, 2 of them promised to W100')
    await refused(recordChoice(db, { ...rep, orderNumber: 'W101', lineNo: 1, choice: 'switch', sku: 'TENT-2P-GRN' }), 'CHOICE_OUT_OF_STOCK')
  } finally {
    await db.close()
  }
})
