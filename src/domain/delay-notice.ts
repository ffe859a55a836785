/**
 * The FTC Mail, Internet, or Telephone Order Rule (16 CFR 435) as wismo applies it to one order
 * line (DESIGN.md "The law on delays"). Pure: the line's facts, the notices already sent and the
 * customer's answers in, the line's delay-notice state and the one thing to do now out.
 */
import { addCalendarDays } from './calendar.ts'
import type { IsoDate, LineState } from './types.ts'

/** Days past the applicable time within which a definite revised date makes silence consent. */
export const CONSENT_WINDOW_DAYS = 30

/** Days an unavailable line waits for the customer to pick an alternative before it is cancelled. */
export const UNAVAILABLE_CHOICE_DAYS = 3

export type Silence = 'consent' | 'cancel'

/** A delay option notice already sent (the record of it). */
export interface NoticeRecord {
  kind: 'first' | 'renewed'
  /** The revised ship date it gave; null when it said the date is unknown. */
  revisedDate: IsoDate | null
  silence: Silence
  /** silence = cancel: the line is cancelled once this day has passed, unless the customer consents. */
  cancelOn: IsoDate | null
  createdAt: Date
  /**
   * The store-zone day a complete copy of the notice reached the customer (a message carrying
   * all of it, sent); null when none did — suppressed, failed, dead, still queued, or only a
   * text pointing to it. "No notice, no delay" reads it.
   */
  reachedOn: IsoDate | null
  /** The line's state when it was decided (`unavailable`: it told the customer the supplier cannot supply it). */
  reason?: string | null
}

/** A customer's answer (DESIGN.md "choice"); `wait` is consent to the delay. */
export interface AnswerRecord {
  choice: 'wait' | 'cancel' | 'switch'
  at: Date
}

/** What the rule needs to know about a line today. */
export interface DelayInput {
  /** The applicable time (applicable-time.ts): the stated ship date, else payment + 30 (50) days. */
  applicableDate: IsoDate
  state: LineState
  /** Units neither shipped nor cancelled. */
  openQty: number
  /** The supplier's expected ship date for the unshipped part, if any. */
  supplierDate: IsoDate | null
  notices: NoticeRecord[]
  answers: AnswerRecord[]
  today: IsoDate
  /** The line's current alternatives (an unavailable line is offered them or cancellation, never a wait). */
  alternatives?: number
}

/** The terms of a notice to send now. */
export interface NoticeDraft {
  kind: 'first' | 'renewed'
  revisedDate: IsoDate | null
  silence: Silence
  cancelOn: IsoDate | null
  /** The last day it may go out (its legal deadline); today when already late. */
  dueBy: IsoDate
}

export type DelayAction =
  | { kind: 'none' }
  | { kind: 'notice'; notice: NoticeDraft }
  | { kind: 'cancel'; reason: CancelReason }

/**
 * Why wismo cancels a line: `no_consent` (silence meant cancellation and the deadline passed),
 * `rejected` (the supplier cannot supply it), `no_notice` (past the applicable time with no
 * complete notice having reached the customer by then).
 */
export type CancelReason = 'no_consent' | 'rejected' | 'no_notice'

/** A line's delay-notice state (shown by `wismo ftc`, acted on by the sweep). */
export interface DelayState {
  applicableDate: IsoDate
  /** wismo knows the line cannot ship by the applicable time. */
  late: boolean
  /** When the first notice is due (today once known late; at the latest the applicable date); null once sent or not needed. */
  firstNoticeDue: IsoDate | null
  /** The governing notice's revised date (null: unknown or no notice yet). */
  revisedDate: IsoDate | null
  definite: boolean | null
  silence: Silence | null
  /** The day after which silence cancels the line. */
  cancelOn: IsoDate | null
  renewedNoticeDue: IsoDate | null
  autoCancelDue: boolean
  consented: boolean
  action: DelayAction
}

const UNSHIPPED: readonly LineState[] = ['processing', 'delayed', 'backordered', 'restocked', 'unavailable']
const maxDay = (a: IsoDate, b: IsoDate): IsoDate => (a > b ? a : b)
const none: DelayAction = { kind: 'none' }

/** True when the line cannot ship on time, as far as wismo knows today. */
export function knownLate(i: Pick<DelayInput, 'state' | 'supplierDate' | 'applicableDate' | 'today'>): boolean {
  if (i.state === 'backordered' || i.state === 'unavailable' || i.state === 'delayed') return true
  if (i.supplierDate !== null && i.supplierDate > i.applicableDate) return true
  // On the applicable date itself, a line with no supplier date on or before it gets its notice.
  return i.today >= i.applicableDate && (i.supplierDate === null || i.supplierDate > i.applicableDate || i.today > i.supplierDate)
}

/** The revised date a notice can honestly give today: the supplier's date, if it is still ahead. */
function revisedToday(i: DelayInput): IsoDate | null {
  if (i.state === 'unavailable') return null
  return i.supplierDate !== null && i.supplierDate >= i.today ? i.supplierDate : null
}

/**
 * Consent to the governing notice: for the first notice any wait counts (even one given before it
 * went out); a renewed notice needs a wait given after it — every such wait is a new answer. A wait
 * never keeps a line nobody can supply.
 */
function consentedTo(g: NoticeRecord, i: DelayInput): boolean {
  if (i.state === 'unavailable') return false
  const waits = i.answers.filter((a) => a.choice === 'wait')
  if (g.kind === 'first') return waits.length > 0
  return waits.some((a) => a.at.getTime() >= g.createdAt.getTime())
}

/**
 * What concerns the line as it is now. A switch replaces the item with one the customer chose,
 * arriving by a date stated then: a new promise (its applicable time is the line's new promised
 * ship date). The notices and answers before the latest switch were about the item replaced and
 * govern nothing any more; the switch itself is not a delay to be told.
 */
export function sinceLastSwitch<T extends Pick<DelayInput, 'notices' | 'answers'>>(i: T): T {
  const switches = i.answers.filter((a) => a.choice === 'switch').map((a) => a.at.getTime())
  if (switches.length === 0) return i
  const last = Math.max(...switches)
  return { ...i, notices: i.notices.filter((n) => n.createdAt.getTime() > last), answers: i.answers.filter((a) => a.at.getTime() > last || (a.at.getTime() === last && a.choice !== 'switch')) }
}

/** Consent to an indefinite delay: a wait given after (or, for the first notice, before) a notice with no date. */
function indefiniteConsent(i: DelayInput): boolean {
  return i.notices.some((n) => n.revisedDate === null && consentedTo(n, i))
}

function firstNotice(i: DelayInput): NoticeDraft {
  const revisedDate = revisedToday(i)
  const limit = addCalendarDays(i.applicableDate, CONSENT_WINDOW_DAYS)
  const silence: Silence = revisedDate !== null && revisedDate <= limit ? 'consent' : 'cancel'
  return {
    kind: 'first',
    revisedDate,
    silence,
    cancelOn: silence === 'cancel' ? maxDay(limit, i.today) : null,
    dueBy: maxDay(i.applicableDate, i.today),
  }
}

/**
 * A line the supplier cannot supply (rejected, discontinued): waiting would bring nothing, so it is
 * never offered a wait. With alternatives in stock the customer is told at once and has
 * UNAVAILABLE_CHOICE_DAYS to switch; silence, or nothing left to switch to, cancels it (16 CFR
 * 435.2(c)(5): a seller that will not ship deems the order cancelled and refunds promptly).
 */
function unavailableAction(i: DelayInput, g: NoticeRecord | null): { action: DelayAction; autoCancelDue: boolean } {
  const told = i.notices.filter((n) => n.reason === 'unavailable').at(-1) ?? null
  const deadlinePassed = told !== null && told.cancelOn !== null && i.today > told.cancelOn
  if ((i.alternatives ?? 0) === 0 || deadlinePassed) return { action: { kind: 'cancel', reason: 'rejected' }, autoCancelDue: true }
  if (told) return { action: none, autoCancelDue: false }
  const notice: NoticeDraft = {
    kind: g ? 'renewed' : 'first', revisedDate: null, silence: 'cancel', cancelOn: addCalendarDays(i.today, UNAVAILABLE_CHOICE_DAYS), dueBy: i.today,
  }
  return { action: { kind: 'notice', notice }, autoCancelDue: false }
}

/** A renewed notice is due when the governing definite date will be missed. */
function renewalDue(g: NoticeRecord, i: DelayInput): boolean {
  if (g.revisedDate === null || indefiniteConsent(i)) return false
  const now = revisedToday(i)
  return now === null || now > g.revisedDate || i.today >= g.revisedDate
}

/**
 * The renewed notice: silence is never consent — unless the customer agrees to wait beyond the
 * most recent revised date (the one about to be missed), the line is cancelled once that date
 * passes unshipped (DESIGN.md; the FTC's Business Guide, "renewed delay option notice"). A line
 * still under an earlier, sooner deadline that the customer never answered keeps that one: a
 * renewal gives no one more time to stay silent. Never a deadline already past.
 */
function renewedNotice(g: NoticeRecord, i: DelayInput): NoticeDraft {
  const now = revisedToday(i)
  const old = g.revisedDate as IsoDate
  const revisedDate = now !== null && now > old ? now : null
  const sooner = g.silence === 'cancel' && g.cancelOn !== null && g.cancelOn < old && !consentedTo(g, i)
  const cancelOn = maxDay(sooner ? (g.cancelOn as IsoDate) : old, i.today)
  return { kind: 'renewed', revisedDate, silence: 'cancel', cancelOn, dueBy: maxDay(old, i.today) }
}

/** True when a complete notice reached the customer by the end of the applicable day. */
function toldInTime(i: DelayInput): boolean {
  return i.notices.some((n) => n.reachedOn !== null && n.reachedOn <= i.applicableDate)
}

/** Oldest first; ties (same instant) in a fixed order so the input's order never matters. */
export function byTime(a: NoticeRecord, b: NoticeRecord): number {
  const key = (n: NoticeRecord) => [n.kind === 'first' ? 0 : 1, n.revisedDate ?? '', n.silence, n.cancelOn ?? ''].join('|')
  return a.createdAt.getTime() - b.createdAt.getTime() || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)
}

/**
 * The delay-notice state of a line and what to do today: send the first or a renewed delay
 * option notice, cancel the line (no complete notice reached the customer by the applicable
 * day, or a deadline passed without consent), or nothing.
 * A customer who chose to cancel, and a line shipped or cancelled, get nothing more.
 */
export function deriveDelayState(given: DelayInput): DelayState {
  const i = sinceLastSwitch(given)
  const notices = [...i.notices].sort(byTime)
  const input = { ...i, notices }
  const g = notices.at(-1) ?? null
  const open = i.openQty > 0 && UNSHIPPED.includes(i.state)
  const cancelChosen = i.answers.some((a) => a.choice === 'cancel')
  const late = open && knownLate(i)
  const consented = g ? consentedTo(g, input) : false
  const base: DelayState = {
    applicableDate: i.applicableDate,
    late,
    firstNoticeDue: null,
    revisedDate: g?.revisedDate ?? null,
    definite: g ? g.revisedDate !== null : null,
    silence: g?.silence ?? null,
    cancelOn: g?.cancelOn ?? null,
    renewedNoticeDue: null,
    autoCancelDue: false,
    consented,
    action: none,
  }
  if (!open || cancelChosen) return base
  // No notice, no delay (16 CFR 435.2(c)): past the applicable day, unshipped, and no complete
  // notice reached the customer by then (none, late, suppressed, dead, a mere pointer): cancel now.
  if (i.today > i.applicableDate && !toldInTime(input)) {
    // A line nobody can supply is cancelled for that reason; the missing notice is in its record.
    return { ...base, autoCancelDue: true, action: { kind: 'cancel', reason: i.state === 'unavailable' ? 'rejected' : 'no_notice' } }
  }
  if (i.state === 'unavailable') return { ...base, ...unavailableAction(input, g) }
  if (!g) {
    const due = late ? i.today : i.applicableDate
    if (!late) return { ...base, firstNoticeDue: due }
    const notice = firstNotice(input)
    return { ...base, firstNoticeDue: due, action: { kind: 'notice', notice } }
  }
  if (g.silence === 'cancel' && g.cancelOn !== null && i.today > g.cancelOn && !consented && !indefiniteConsent(input)) {
    return { ...base, autoCancelDue: true, action: { kind: 'cancel', reason: 'no_consent' } }
  }
  if (renewalDue(g, input)) {
    return { ...base, renewedNoticeDue: i.today, action: { kind: 'notice', notice: renewedNotice(g, input) } }
  }
  const renewedNoticeDue = g.revisedDate !== null && !indefiniteConsent(input) ? g.revisedDate : null
  return { ...base, renewedNoticeDue }
}
