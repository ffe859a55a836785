/**
 * The rule's side of the customer's answers (DESIGN.md "The law on delays": the customer's answer
 * is always taken; a line the supplier cannot supply; a switch starts the new line's own promise),
 * as pure rules: deriveDelayState and the outreach plan.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { deriveDelayState, UNAVAILABLE_CHOICE_DAYS, type DelayInput, type NoticeRecord } from '../../src/domain/delay-notice.ts'
import { planLine, type LineOutreachInput } from '../../src/domain/outreach-policy.ts'
import { addCalendarDays, DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'

const A = '2026-11-05'
const at = (day: string, time = '15:00:00') => new Date(`${day}T${time}Z`)
const input = (over: Partial<DelayInput> = {}): DelayInput => ({
  applicableDate: A, state: 'backordered', openQty: 1, supplierDate: null, notices: [], answers: [], today: '2026-11-03', ...over,
})
const notice = (over: Partial<NoticeRecord> = {}): NoticeRecord => ({
  kind: 'first', revisedDate: null, silence: 'cancel', cancelOn: addCalendarDays(A, 30), createdAt: at('2026-11-03'), reachedOn: '2026-11-03', ...over,
})

test('a wait given after a renewed notice is consent to it: the line is never cancelled for no consent', () => {
  const n = [
    notice({ revisedDate: '2026-11-15', silence: 'consent', cancelOn: null }),
    notice({ kind: 'renewed', revisedDate: null, silence: 'cancel', cancelOn: '2026-12-05', createdAt: at('2026-11-15') }),
  ]
  const answers = [{ choice: 'wait' as const, at: at('2026-11-04') }, { choice: 'wait' as const, at: at('2026-11-16') }]
  for (const state of ['backordered', 'restocked', 'processing', 'delayed'] as const) {
    const s = deriveDelayState(input({ state, notices: n, answers, supplierDate: '2026-11-15', today: '2026-12-20' }))
    assert.equal(s.action.kind, 'none', `${state}: the second wait keeps the line`)
    assert.equal(s.consented, true)
  }
})

test('a switch starts the new line\'s own promise: no renewed notice for the line just chosen', () => {
  // Backordered until Dec 15 (silence cancels on Dec 5), switched on Nov 4 to an item that ships Nov 6.
  const n = [notice({ revisedDate: '2026-12-15', cancelOn: '2026-12-05' })]
  const answers = [{ choice: 'switch' as const, at: at('2026-11-04', '14:00:00') }]
  const after = (today: string, over: Partial<DelayInput> = {}) =>
    deriveDelayState(input({ state: 'processing', applicableDate: '2026-11-06', notices: n, answers, supplierDate: null, today, ...over }))
  for (const today of ['2026-11-04', '2026-11-05']) {
    const s = after(today)
    assert.deepEqual(s.action, { kind: 'none' }, `${today}: the new item is on time`)
    assert.equal(s.renewedNoticeDue, null)
    assert.equal(s.revisedDate, null, 'the old item\'s revised date governs nothing now')
  }
  // Unshipped on the new promise: the new line's own first notice, never a renewed one.
  const late = after('2026-11-06')
  assert.equal(late.action.kind, 'notice')
  if (late.action.kind === 'notice') assert.equal(late.action.notice.kind, 'first')
  // The old notice's deadline never cancels the new line (told of its own delay on time).
  const own = notice({ createdAt: at('2026-11-06'), reachedOn: '2026-11-06', revisedDate: '2026-12-01', silence: 'consent', cancelOn: null })
  assert.equal(after('2026-12-06', { supplierDate: '2026-12-10', state: 'processing', notices: [...n, own] }).action.kind !== 'cancel', true)
})

test('an answer before a switch answers nothing about the new line', () => {
  const answers = [{ choice: 'wait' as const, at: at('2026-11-03', '16:00:00') }, { choice: 'switch' as const, at: at('2026-11-04') }]
  const n = [notice({ createdAt: at('2026-11-03') }), notice({ createdAt: at('2026-11-10'), cancelOn: '2026-12-10' })]
  const s = deriveDelayState(input({ state: 'backordered', notices: n, answers, today: '2026-12-11' }))
  assert.deepEqual(s.action, { kind: 'cancel', reason: 'no_consent' }, 'the wait was for the item that was replaced')
})

test('unavailable with alternatives: a notice offering them or cancellation, no wait, and a cancellation soon after', () => {
  const first = deriveDelayState(input({ state: 'unavailable', alternatives: 2, today: '2026-11-03' }))
  assert.deepEqual(first.action, {
    kind: 'notice',
    notice: { kind: 'first', revisedDate: null, silence: 'cancel', cancelOn: addCalendarDays('2026-11-03', UNAVAILABLE_CHOICE_DAYS), dueBy: '2026-11-03' },
  })
  const told = [notice({ reason: 'unavailable', cancelOn: '2026-11-06' })]
  const waited = [{ choice: 'wait' as const, at: at('2026-11-04') }]
  assert.deepEqual(deriveDelayState(input({ state: 'unavailable', alternatives: 2, notices: told, answers: waited, today: '2026-11-06' })).action, { kind: 'none' })
  assert.deepEqual(deriveDelayState(input({ state: 'unavailable', alternatives: 2, notices: told, answers: waited, today: '2026-11-07' })).action,
    { kind: 'cancel', reason: 'rejected' }, 'a wait does not keep a line nobody can supply')
  // Nothing left to switch to: cancelled at once, the deadline or not.
  assert.deepEqual(deriveDelayState(input({ state: 'unavailable', alternatives: 0, notices: told, today: '2026-11-04' })).action, { kind: 'cancel', reason: 'rejected' })
})

test('unavailable with nothing to offer: cancelled at once, even before the applicable time', () => {
  for (const today of ['2026-11-02', A, '2026-11-20']) {
    assert.deepEqual(deriveDelayState(input({ state: 'unavailable', alternatives: 0, today })).action, { kind: 'cancel', reason: 'rejected' })
  }
})

test('a line rejected after a backorder notice gets the unavailable notice, not a renewed delay that asks for a wait', () => {
  const n = [notice({ revisedDate: '2026-11-20', silence: 'consent', cancelOn: null })]
  const answers = [{ choice: 'wait' as const, at: at('2026-11-04') }]
  const s = deriveDelayState(input({ state: 'unavailable', alternatives: 1, notices: n, answers, today: '2026-11-10' }))
  assert.deepEqual(s.action, { kind: 'notice', notice: { kind: 'renewed', revisedDate: null, silence: 'cancel', cancelOn: '2026-11-13', dueBy: '2026-11-10' } })
})

const line = (over: Partial<LineOutreachInput> = {}): LineOutreachInput => ({
  lineNo: 1, state: 'processing', quantities: { processing: 1 }, promisedShipDate: '2026-11-06', applicableDate: '2026-11-06', expectedShipDate: null,
  eta: { earliest: '2026-11-10', latest: '2026-11-13', source: 'promise' }, tracking: [], everLate: true, told: [], notices: [], answers: [], ...over,
})
const ctx = { today: '2026-11-04', calendar: DEFAULT_CALENDAR }

test('outreach: a switch is confirmed once, never told as a delay', () => {
  const answers = [{ choice: 'switch' as const, at: at('2026-11-04', '14:00:00') }]
  const notices = [notice({ revisedDate: '2026-12-15', cancelOn: '2026-12-05' })]
  const told = [{ trigger: 'backordered', etaKey: '2026-12-15' }]
  const p = planLine(line({ answers, notices, told }), ctx)
  assert.deepEqual(p.triggers.map((t) => t.trigger), ['switched'])
  assert.equal(p.notice, null)
  const again = planLine(line({ answers, notices, told: [...told, ...p.triggers] }), { ...ctx, today: '2026-11-05' })
  assert.deepEqual(again.triggers, [], 'told once')
})

test('outreach: an unavailable line\'s notice is its own trigger; with nothing to offer it is cancelled', () => {
  const p = planLine(line({ state: 'unavailable', quantities: { unavailable: 1 }, eta: null, alternatives: 1 }), ctx)
  assert.deepEqual(p.triggers.map((t) => t.trigger), ['unavailable'])
  assert.equal(p.notice?.revisedDate, null)
  const none = planLine(line({ state: 'unavailable', quantities: { unavailable: 1 }, eta: null, alternatives: 0 }), ctx)
  assert.deepEqual([none.cancel, none.triggers.map((t) => t.trigger)], [{ reason: 'rejected' }, ['cancelled']])
})
