import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { byTime, deriveDelayState, sinceLastSwitch, type DelayInput, type NoticeRecord } from '../../src/domain/delay-notice.ts'
import { addCalendarDays } from '../../src/domain/calendar.ts'

const A = '2026-11-05'
const at = (day: string) => new Date(`${day}T15:00:00Z`)
const input = (over: Partial<DelayInput> = {}): DelayInput => ({
  applicableDate: A, state: 'backordered', openQty: 1, supplierDate: null, notices: [], answers: [], today: '2026-11-03', ...over,
})
const notice = (over: Partial<NoticeRecord> = {}): NoticeRecord => ({
  kind: 'first', revisedDate: null, silence: 'cancel', cancelOn: addCalendarDays(A, 30), createdAt: at('2026-11-03'), reachedOn: '2026-11-03', ...over,
})

test('first notice: a backorder known before the applicable time is told at once', () => {
  const s = deriveDelayState(input({ supplierDate: '2026-11-20' }))
  assert.equal(s.late, true)
  assert.equal(s.firstNoticeDue, '2026-11-03')
  assert.deepEqual(s.action, { kind: 'notice', notice: { kind: 'first', revisedDate: '2026-11-20', silence: 'consent', cancelOn: null, dueBy: A } })
})

test('first notice: never later than the promised ship date for a line with no supplier date', () => {
  const before = deriveDelayState(input({ state: 'processing', today: '2026-11-04' }))
  assert.equal(before.action.kind, 'none')
  assert.equal(before.firstNoticeDue, A)
  const onTheDay = deriveDelayState(input({ state: 'processing', today: A }))
  assert.equal(onTheDay.action.kind, 'notice')
  const supplierOnTime = deriveDelayState(input({ state: 'processing', today: A, supplierDate: A }))
  assert.equal(supplierOnTime.action.kind, 'none', 'the supplier says it ships today')
  const supplierLate = deriveDelayState(input({ state: 'processing', today: '2026-11-02', supplierDate: '2026-11-09' }))
  assert.equal(supplierLate.action.kind, 'notice', 'a supplier date past the promise is known lateness')
})

const clauses: [string, Partial<DelayInput>, { silence: string; cancelOn: string | null; revised: string | null }][] = [
  ['definite, exactly 30 days past: silence is consent', { supplierDate: '2026-12-05' }, { silence: 'consent', cancelOn: null, revised: '2026-12-05' }],
  ['definite, 31 days past: silence cancels at applicable + 30', { supplierDate: '2026-12-06' }, { silence: 'cancel', cancelOn: '2026-12-05', revised: '2026-12-06' }],
  ['unknown date: silence cancels at applicable + 30', { supplierDate: null }, { silence: 'cancel', cancelOn: '2026-12-05', revised: null }],
  // Delayed before the applicable time: the internal lead time passed, the legal clock has not.
  ['delayed with no word: unknown', { state: 'delayed', today: '2026-11-04' }, { silence: 'cancel', cancelOn: '2026-12-05', revised: null }],
  ['a supplier date already past is no date', { state: 'delayed', today: '2026-11-04', supplierDate: '2026-11-03' }, { silence: 'cancel', cancelOn: '2026-12-05', revised: null }],
  ['unavailable with alternatives: cancelled 3 days on unless switched', { state: 'unavailable', alternatives: 1 }, { silence: 'cancel', cancelOn: '2026-11-06', revised: null }],
]
for (const [name, over, want] of clauses) {
  test(`silence: ${name}`, () => {
    const s = deriveDelayState(input(over))
    assert.equal(s.action.kind, 'notice')
    if (s.action.kind !== 'notice') return
    assert.deepEqual([s.action.notice.silence, s.action.notice.cancelOn, s.action.notice.revisedDate], [want.silence, want.cancelOn, want.revised])
  })
}

test('automatic cancellation: after applicable + 30 days, unshipped, no consent', () => {
  const n = [notice()]
  assert.equal(deriveDelayState(input({ notices: n, today: '2026-12-05' })).action.kind, 'none', 'the deadline day itself is still open')
  assert.deepEqual(deriveDelayState(input({ notices: n, today: '2026-12-06' })).action, { kind: 'cancel', reason: 'no_consent' })
  const waited = deriveDelayState(input({ notices: n, today: '2026-12-06', answers: [{ choice: 'wait', at: at('2026-11-10') }] }))
  assert.equal(waited.action.kind, 'none', 'a recorded wait keeps the line')
  assert.equal(waited.consented, true)
  const shipped = deriveDelayState(input({ notices: n, today: '2026-12-06', state: 'in_transit', openQty: 0 }))
  assert.equal(shipped.action.kind, 'none')
})

test('silence is consent: a definite date within 30 days is never cancelled, but is renewed when missed', () => {
  const n = [notice({ revisedDate: '2026-11-20', silence: 'consent', cancelOn: null })]
  assert.equal(deriveDelayState(input({ notices: n, supplierDate: '2026-11-20', today: '2026-11-19' })).action.kind, 'none')
  const missed = deriveDelayState(input({ notices: n, supplierDate: '2026-11-20', today: '2026-11-20' }))
  assert.deepEqual(missed.action, { kind: 'notice', notice: { kind: 'renewed', revisedDate: null, silence: 'cancel', cancelOn: '2026-11-20', dueBy: '2026-11-20' } },
    'cancelled once the most recent revised date passes, not at applicable + 30')
  const moved = deriveDelayState(input({ notices: n, supplierDate: '2026-11-28', today: '2026-11-12' }))
  assert.deepEqual(moved.action, { kind: 'notice', notice: { kind: 'renewed', revisedDate: '2026-11-28', silence: 'cancel', cancelOn: '2026-11-20', dueBy: '2026-11-20' } },
    'the customer must agree to wait beyond November 20, the most recent revised date')
})

test('renewed notice: silence cancels after the revised date; an answer after it keeps the line', () => {
  const n = [
    notice({ revisedDate: '2026-11-20', silence: 'consent', cancelOn: null }),
    notice({ kind: 'renewed', revisedDate: '2026-11-28', silence: 'cancel', cancelOn: '2026-12-05', createdAt: at('2026-11-12') }),
  ]
  const early = [{ choice: 'wait' as const, at: at('2026-11-04') }]
  assert.deepEqual(deriveDelayState(input({ notices: n, supplierDate: '2026-11-28', today: '2026-12-06', answers: early })).action, { kind: 'cancel', reason: 'no_consent' },
    'a wait given before the renewed notice does not answer it')
  const later = [{ choice: 'wait' as const, at: at('2026-11-13') }]
  const kept = deriveDelayState(input({ notices: n, supplierDate: '2026-11-28', today: '2026-11-27', answers: later }))
  assert.deepEqual([kept.action.kind, kept.consented], ['none', true])
  const missedAgain = deriveDelayState(input({ notices: n, supplierDate: '2026-11-28', today: '2026-12-06', answers: later }))
  assert.equal(missedAgain.action.kind, 'notice', 'consented to a definite date that is missed again: another renewed notice, not a cancellation')
})

test('consent to an indefinite delay needs no renewed notice and is never cancelled', () => {
  const n = [notice({ revisedDate: null })]
  const s = deriveDelayState(input({ notices: n, answers: [{ choice: 'wait', at: at('2026-11-04') }], supplierDate: '2026-12-20', today: '2026-12-21' }))
  assert.equal(s.action.kind, 'none')
  assert.equal(s.renewedNoticeDue, null)
})

test('a customer who cancels gets no further delay notices', () => {
  const s = deriveDelayState(input({ answers: [{ choice: 'cancel', at: at('2026-11-02') }] }))
  assert.equal(s.action.kind, 'none')
  const after = deriveDelayState(input({ notices: [notice({ revisedDate: '2026-11-10', silence: 'consent', cancelOn: null })], answers: [{ choice: 'cancel', at: at('2026-11-04') }], today: '2026-11-11' }))
  assert.equal(after.action.kind, 'none')
})

test('an unavailable line is cancelled as rejected once its deadline passes; a wait does not keep it', () => {
  const n = [notice({ cancelOn: A })]
  const s = deriveDelayState(input({ state: 'unavailable', notices: n, today: '2026-11-06', answers: [{ choice: 'wait', at: at('2026-11-04') }] }))
  assert.deepEqual(s.action, { kind: 'cancel', reason: 'rejected' })
})

// Property tests over random lines, notice histories and days.
const day = fc.integer({ min: -10, max: 80 }).map((n) => addCalendarDays(A, n))
const state = fc.constantFrom('processing', 'delayed', 'backordered', 'restocked', 'unavailable', 'in_transit', 'cancelled' as const)
const arbNotice = fc.record({
  kind: fc.constantFrom('first', 'renewed' as const),
  revisedDate: fc.option(day, { nil: null }),
  silence: fc.constantFrom('consent', 'cancel' as const),
  cancelOn: fc.option(day, { nil: null }),
  createdAt: day.map(at),
  reachedOn: fc.option(day, { nil: null }),
})
const arbInput = fc.record({
  applicableDate: fc.constant(A),
  state,
  openQty: fc.integer({ min: 0, max: 3 }),
  supplierDate: fc.option(day, { nil: null }),
  notices: fc.array(arbNotice, { maxLength: 3 }),
  answers: fc.array(fc.record({ choice: fc.constantFrom('wait', 'cancel', 'switch' as const), at: day.map(at) }), { maxLength: 2 }),
  today: day,
}) as fc.Arbitrary<DelayInput>

test('property: no line is ever cancelled by silence where silence is consent', () => {
  fc.assert(fc.property(arbInput, (i) => {
    const s = deriveDelayState(i)
    // A line nobody can supply is cancelled whatever silence meant (answers-rule.test.ts); no notice, no delay.
    if (s.action.kind !== 'cancel' || s.action.reason === 'no_notice' || s.action.reason === 'rejected') return true
    const g = [...i.notices].sort(byTime).at(-1)
    return g !== undefined && g.silence === 'cancel'
  }), { numRuns: 2000 })
})

test('property: a first notice known in time is due no later than the applicable time', () => {
  fc.assert(fc.property(arbInput, (i) => {
    const s = deriveDelayState({ ...i, notices: [] })
    if (s.action.kind !== 'notice') return true
    return i.today > A ? s.action.notice.dueBy === i.today : s.action.notice.dueBy === A && s.action.notice.dueBy >= i.today
  }), { numRuns: 2000 })
})

test('property: the order of notices and answers does not change the outcome', () => {
  fc.assert(fc.property(arbInput, (i) => {
    const a = deriveDelayState(i)
    const b = deriveDelayState({ ...i, notices: [...i.notices].reverse(), answers: [...i.answers].reverse() })
    assert.deepEqual(a, b)
  }), { numRuns: 1000 })
})

test('no notice, no delay: past the applicable day with no complete notice that reached the customer by then, the line is cancelled at once', () => {
  const after = '2026-11-06'
  assert.deepEqual(deriveDelayState(input({ today: after })).action, { kind: 'cancel', reason: 'no_notice' }, 'none sent')
  assert.deepEqual(deriveDelayState(input({ today: after, notices: [notice({ createdAt: at(after), reachedOn: after })] })).action,
    { kind: 'cancel', reason: 'no_notice' }, 'sent late')
  assert.deepEqual(deriveDelayState(input({ today: after, notices: [notice({ reachedOn: null })] })).action,
    { kind: 'cancel', reason: 'no_notice' }, 'suppressed, dead, or a pointer that is not the notice')
  assert.deepEqual(deriveDelayState(input({ state: 'delayed', today: '2026-11-20', supplierDate: '2026-11-25', notices: [notice({ revisedDate: '2026-11-25', silence: 'consent', cancelOn: null, reachedOn: A })] })).action,
    { kind: 'none' }, 'reached on the applicable day itself')
  assert.equal(deriveDelayState(input({ today: A, notices: [notice({ reachedOn: null })] })).action.kind, 'none', 'the applicable day is not over')
  assert.equal(deriveDelayState(input({ today: after, state: 'in_transit', openQty: 0 })).action.kind, 'none', 'shipped')
  assert.equal(deriveDelayState(input({ today: after, answers: [{ choice: 'cancel', at: at(A) }] })).action.kind, 'none', 'the customer cancelled')
  const s = deriveDelayState(input({ today: after, state: 'processing' }))
  assert.deepEqual(s.action, { kind: 'cancel', reason: 'no_notice' }, 'a line still processing past its applicable day with no notice too')
})

test('renewed notice: silence cancels the day after the most recent revised date', () => {
  const n = [
    notice({ revisedDate: '2026-11-20', silence: 'consent', cancelOn: null }),
    notice({ kind: 'renewed', revisedDate: '2026-11-28', silence: 'cancel', cancelOn: '2026-11-20', createdAt: at('2026-11-12'), reachedOn: '2026-11-12' }),
  ]
  assert.equal(deriveDelayState(input({ notices: n, supplierDate: '2026-11-28', today: '2026-11-20' })).action.kind, 'none')
  assert.deepEqual(deriveDelayState(input({ notices: n, supplierDate: '2026-11-28', today: '2026-11-21' })).action, { kind: 'cancel', reason: 'no_consent' })
  const lateRenewal = deriveDelayState(input({ notices: n.slice(0, 1), supplierDate: null, today: '2026-11-22' }))
  assert.deepEqual(lateRenewal.action.kind === 'notice' && lateRenewal.action.notice.cancelOn, '2026-11-22', 'never a deadline already past')
})

test('property: a renewed notice never gives more time than the most recent revised date (or today, when decided late)', () => {
  fc.assert(fc.property(arbInput, (i) => {
    const s = deriveDelayState(i)
    if (s.action.kind !== 'notice' || s.action.notice.kind !== 'renewed') return true
    const g = [...i.notices].sort(byTime).at(-1)!
    const limit = g.revisedDate! > i.today ? g.revisedDate! : i.today
    return s.action.notice.cancelOn !== null && s.action.notice.cancelOn <= limit
  }), { numRuns: 2000 })
})

test('property: past the applicable day an open line keeps going only on a complete notice that reached the customer by that day', () => {
  fc.assert(fc.property(arbInput, (i) => {
    const s = deriveDelayState(i)
    const open = i.openQty > 0 && ['processing', 'delayed', 'backordered', 'restocked', 'unavailable'].includes(i.state)
    // A switch starts the line afresh: only what came after it counts (answers-rule.test.ts).
    const j = sinceLastSwitch(i)
    const told = j.notices.some((n) => n.reachedOn !== null && n.reachedOn <= A)
    const cancelled = j.answers.some((a) => a.choice === 'cancel')
    if (!open || cancelled || i.today <= A) return s.action.kind !== 'cancel' || s.action.reason !== 'no_notice'
    return told || (s.action.kind === 'cancel' && s.action.reason === (i.state === 'unavailable' ? 'rejected' : 'no_notice'))
  }), { numRuns: 2000 })
})
