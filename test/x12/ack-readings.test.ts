/**
 * The readings of an 855 PO1 loop (DESIGN.md "Supplier signals", docs/formats.md): every BP
 * reading, the loop's quantities adding up, and what a line then reports.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parseX12 } from '../../src/feeds/x12/reader.ts'
import { deriveLineStatus } from '../../src/domain/line-state.ts'
import type { SupplierSignal } from '../../src/domain/types.ts'
import type { NormalizedSignal } from '../../src/feeds/signal.ts'
import { x12 } from './build.ts'
import { buildLine, ctx, signals, at } from '../domain/builders.ts'

/** One 855 with one PO1 loop of `ordered` units and the given ACK segments. */
function loop(ordered: number | null, acks: string[]): NormalizedSignal[] {
  return parseX12(x12('855', ['BAK*00*AC*PO-1*20261116', `PO1*1*${ordered ?? ''}*EA*1**BP*A`, ...acks])).signals
}
const read = (ordered: number | null, acks: string[]) => loop(ordered, acks).map((s) => [s.status, s.qty, s.expectedShipDate])

/** What a line of `qty` reports once the loop's signals are its supplier's latest word. */
function quantities(qty: number, found: NormalizedSignal[], now = at('2026-12-10')) {
  const supplierSignals: SupplierSignal[] = found.map((s) => ({
    messageId: 1, status: s.status, qty: s.qty, expectedShipDate: s.expectedShipDate, receivedAt: at('2026-12-01'), source: s.location,
  }))
  return deriveLineStatus(buildLine({ qty }), signals({ supplierSignals }), ctx({ now })).quantities
}

test('855 BP beside an IA: the IA is the accepted part, the BP the backordered balance (issue 7: 4 of 10 were shown delayed)', () => {
  const found = loop(10, ['ACK*IA*6*EA', 'ACK*BP*4*EA*068*20261220'])
  assert.deepEqual(found.map((s) => [s.status, s.qty, s.expectedShipDate, s.problem ?? null]), [
    ['accepted', 6, null, null],
    ['backordered', 4, '2026-12-20', null],
  ])
  // Ten days later the accepted part is past its promise, the balance is backordered with its date.
  assert.deepEqual(quantities(10, found), { delayed: 6, backordered: 4 })
  assert.deepEqual(read(10, ['ACK*AC*6', 'ACK*BP*4']), [['accepted', 6, null], ['backordered', 4, null]])
})

test('855 BP alone: ACK02 is the backordered balance, the rest of PO102 accepted', () => {
  assert.deepEqual(read(10, ['ACK*BP*4*EA*068*20261220']), [['accepted', 6, null], ['backordered', 4, '2026-12-20']])
  assert.deepEqual(quantities(10, loop(10, ['ACK*BP*4*EA*068*20261220']), at('2026-12-01')), { processing: 6, backordered: 4 })
  assert.deepEqual(read(3, ['ACK*BP*3']), [['backordered', 3, null]])
})

test('855 BP beside an IB: the IB gives the backordered balance, so the BP\'s ACK02 is the accepted part', () => {
  const found = loop(10, ['ACK*BP*6*EA', 'ACK*IB*4*EA*068*20261220'])
  assert.deepEqual(found.map((s) => [s.status, s.qty, s.expectedShipDate, s.problem ?? null]), [
    ['accepted', 6, null, null],
    ['backordered', 4, '2026-12-20', null],
  ])
  assert.match(found[0].rawCode, /BP \(accepted part; the IB gives the balance\)/)
  assert.deepEqual(quantities(10, found, at('2026-12-01')), { processing: 6, backordered: 4 })
})

test('855 loops that do not add up are applied as they read best and flagged for a rep', () => {
  const over = loop(10, ['ACK*IA*6', 'ACK*BP*6'])
  assert.match(over[0].problem ?? '', /PO line 1: the ACK quantities add up to 12 \(accepted 6 \+ backordered 6\), not the 10 ordered/)
  // The later-arriving claim is filled first, so the line never reports more than it holds.
  assert.deepEqual(quantities(10, over, at('2026-12-01')), { backordered: 6, processing: 4 })
  const under = loop(10, ['ACK*IA*6'])
  assert.match(under[0].problem ?? '', /add up to 6 \(accepted 6\), not the 10 ordered/)
  assert.match(loop(2, ['ACK*BP*4'])[0].problem ?? '', /the BP backorders 4 of 2 ordered/)
  assert.match(loop(null, ['ACK*BP*4'])[0].problem ?? '', /no ordered quantity \(PO102\)/)
  assert.deepEqual(read(5, ['ACK*BP']), [['backordered', 5, null]])
  assert.match(loop(5, ['ACK*BP'])[0].problem ?? '', /no backordered quantity/)
})

test('855 loops that add up carry no problem: whole-line ACKs, IR*0, one ACK without ACK02 beside others', () => {
  for (const acks of [['ACK*IA*10'], ['ACK*IR*0'], ['ACK*IA'], ['ACK*IA*7', 'ACK*IB*3'], ['ACK*IA*7', 'ACK*IB'], ['ACK*IA*5', 'ACK*BP*3', 'ACK*IB*2']]) {
    const found = loop(10, acks)
    assert.equal(found.reduce((n, s) => n + (s.qty ?? 0), 0), 10, acks.join(' '))
    assert.ok(found.every((s) => !s.problem), acks.join(' '))
  }
  assert.deepEqual(read(10, ['ACK*IA*7', 'ACK*IB']), [['accepted', 7, null], ['backordered', 3, null]])
  assert.deepEqual(read(null, ['ACK*IA']), [['accepted', null, null]])
})

const CODES = ['IA', 'AC', 'IB', 'BP', 'IR', 'DR', 'IH', 'IQ']
const acksArb = fc.array(fc.record({ code: fc.constantFrom(...CODES), qty: fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }) }), { minLength: 1, maxLength: 4 })

test('property: whatever an 855 loop says, the line\'s quantities sum to its quantity; a loop that adds up is not flagged', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), acksArb, fc.boolean(), (qty, acks, dated) => {
    const found = loop(qty, acks.map((a) => `ACK*${a.code}*${a.qty ?? ''}*EA${dated ? '*068*20261220' : ''}`))
    const q = quantities(qty, found)
    assert.equal(Object.values(q).reduce((a, b) => a + (b ?? 0), 0), qty)
    assert.ok(Object.values(q).every((n) => Number.isInteger(n) && (n ?? 0) > 0))
    const total = found.reduce((n, s) => n + (s.qty ?? 0), 0)
    if (found.every((s) => !s.problem)) assert.equal(total, qty)
    else assert.ok(found.every((s) => s.problem === found[0].problem), 'every signal of the loop carries its problem')
  }), { numRuns: 400 })
})
