/**
 * Proactive outreach as pure rules (DESIGN.md "Monitoring and outreach"): from each line's
 * derived status, what the customer was already told, the delay notices sent and the answers
 * given, decide the triggers of one order's message, the notices it carries and the lines
 * wismo must cancel. The same inputs, in any order, give the same plan.
 */
import { businessDaysBetween } from './calendar.ts'
import { deriveDelayState, sinceLastSwitch, type AnswerRecord, type CancelReason, type DelayState, type NoticeDraft, type NoticeRecord } from './delay-notice.ts'
import type { CalendarConfig, Eta, IsoDate, LineState } from './types.ts'

/** Trigger names every interface uses, in the order a message speaks of them. */
export const TRIGGERS = [
  'cancelled', 'unavailable', 'renewed_delay', 'backordered', 'delayed', 'exception', 'switched', 'eta_slipped', 'restocked', 'shipped',
] as const
export type Trigger = (typeof TRIGGERS)[number]

/** Triggers that carry a message the law requires (a delay option notice, or a cancellation with its refund). */
export const REQUIRED_TRIGGERS: readonly Trigger[] = ['cancelled', 'unavailable', 'renewed_delay', 'backordered', 'delayed']

/** One parcel, as outreach needs it. */
export interface ParcelFact {
  number: string
  status: string
  qty: number
}

/** What outreach knows about one line. */
export interface LineOutreachInput {
  lineNo: number
  state: LineState
  quantities: Partial<Record<LineState, number>>
  promisedShipDate: IsoDate
  /** The legal applicable time (applicable-time.ts); the delay rule's clock. */
  applicableDate: IsoDate
  expectedShipDate: IsoDate | null
  eta: Eta | null
  tracking: ParcelFact[]
  /** The line was ever delayed, backordered or unavailable (its history), so shipping is news. */
  everLate: boolean
  told: { trigger: string; etaKey: string }[]
  notices: NoticeRecord[]
  answers: AnswerRecord[]
  /** How many alternatives the line has now (an unavailable line is offered them, or cancelled). */
  alternatives?: number
}

export interface OutreachContext {
  today: IsoDate
  calendar: CalendarConfig
  /** Business days an ETA must move later before `eta_slipped` is told (default 2). */
  slipBusinessDays?: number
}

/** A trigger for a line, with the key that keeps it from being told twice. */
export interface LineTrigger {
  trigger: Trigger
  etaKey: string
}

export interface LinePlan {
  lineNo: number
  triggers: LineTrigger[]
  notice: NoticeDraft | null
  cancel: { reason: CancelReason } | null
  delay: DelayState
}

export interface OrderPlan {
  lines: LinePlan[]
  /** Every trigger of the message, in TRIGGERS order; empty: nothing to tell. */
  triggers: Trigger[]
  /** Lines the message speaks of. */
  lineNos: number[]
  /** The law requires this message (it must go, by email when there is one, opt-out or not). */
  required: boolean
  /** The last day the message may leave (a notice's legal deadline); null when none. */
  dueBy: IsoDate | null
}

const isDay = (k: string) => /^\d{4}-\d{2}-\d{2}$/.test(k)
const open = (q: LineOutreachInput['quantities']) =>
  (q.processing ?? 0) + (q.delayed ?? 0) + (q.backordered ?? 0) + (q.restocked ?? 0) + (q.unavailable ?? 0)

function toldAlready(l: LineOutreachInput, t: LineTrigger): boolean {
  return l.told.some((x) => x.trigger === t.trigger && x.etaKey === t.etaKey)
}

/** The keys of parcels in these carrier states, sorted, so one set of parcels is told once. */
function parcelKey(l: LineOutreachInput, states: string[]): string | null {
  const n = l.tracking.filter((p) => p.qty > 0 && states.includes(p.status)).map((p) => p.number).sort()
  return n.length > 0 ? n.join(',') : null
}

/** The latest switch, confirmed once: the customer hears their new item and its date, never a delay. */
function switchTrigger(l: LineOutreachInput): LineTrigger | null {
  const last = l.answers.filter((a) => a.choice === 'switch').map((a) => a.at.toISOString()).sort().at(-1)
  return last ? { trigger: 'switched', etaKey: `switch:${last}` } : null
}

/** News about a line that the delay rule does not cover: a switch, cancellation, parcels, restock, slipped ETA. */
function newsTriggers(l: LineOutreachInput, ctx: OutreachContext, delay: DelayState): LineTrigger[] {
  const out: LineTrigger[] = []
  const switched = switchTrigger(l)
  if (switched && l.state !== 'cancelled') out.push(switched)
  const cancelledQty = l.quantities.cancelled ?? 0
  if (cancelledQty > 0) out.push({ trigger: 'cancelled', etaKey: `qty:${cancelledQty}` })
  const exception = parcelKey(l, ['exception'])
  if (exception) out.push({ trigger: 'exception', etaKey: exception })
  const moving = parcelKey(l, ['pre_transit', 'in_transit', 'out_for_delivery'])
  if (moving && l.everLate) out.push({ trigger: 'shipped', etaKey: moving })
  const toldBackorder = l.told.some((t) => t.trigger === 'backordered')
  if (l.state === 'restocked' && toldBackorder) out.push({ trigger: 'restocked', etaKey: l.expectedShipDate ?? 'unknown' })
  // A date the supplier gives after a notice without one is news, not a new notice.
  if (l.state === 'backordered' && delay.action.kind === 'none' && sinceLastSwitch(l).notices.length > 0) {
    out.push({ trigger: 'backordered', etaKey: l.expectedShipDate ?? 'unknown' })
  }
  const slip = slipped(l, ctx)
  if (slip) out.push(slip)
  return out
}

/** ETA later than the last one told by at least the configured business days. */
function slipped(l: LineOutreachInput, ctx: OutreachContext): LineTrigger | null {
  if (!l.eta) return null
  const told = l.told.map((t) => t.etaKey).filter(isDay).sort()
  const last = told.at(-1)
  if (!last) return null
  return businessDaysBetween(last, l.eta.latest, ctx.calendar) >= (ctx.slipBusinessDays ?? 2) ? { trigger: 'eta_slipped', etaKey: l.eta.latest } : null
}

function noticeTrigger(l: LineOutreachInput, notice: NoticeDraft): LineTrigger {
  const trigger: Trigger = l.state === 'unavailable' ? 'unavailable'
    : notice.kind === 'renewed' ? 'renewed_delay' : l.state === 'backordered' ? 'backordered' : 'delayed'
  return { trigger, etaKey: notice.revisedDate ?? 'unknown' }
}

/** One line's plan: its delay-notice state, and the triggers not yet told. */
export function planLine(l: LineOutreachInput, ctx: OutreachContext): LinePlan {
  const delay = deriveDelayState({
    applicableDate: l.applicableDate, state: l.state, openQty: open(l.quantities), supplierDate: l.expectedShipDate,
    notices: l.notices, answers: l.answers, today: ctx.today, alternatives: l.alternatives,
  })
  const triggers: LineTrigger[] = []
  let notice: NoticeDraft | null = null
  let cancel: LinePlan['cancel'] = null
  if (delay.action.kind === 'notice') {
    notice = delay.action.notice
    triggers.push(noticeTrigger(l, notice))
  } else if (delay.action.kind === 'cancel') {
    cancel = { reason: delay.action.reason }
    triggers.push({ trigger: 'cancelled', etaKey: `qty:${(l.quantities.cancelled ?? 0) + open(l.quantities)}` })
  }
  for (const t of newsTriggers(l, ctx, delay)) {
    if (!triggers.some((x) => x.trigger === t.trigger)) triggers.push(t)
  }
  // A slipped ETA says nothing new when the same message already carries a notice for the line.
  const fresh = triggers.filter((t, _i, all) => !(t.trigger === 'eta_slipped' && all.length > 1))
  // The notice itself is kept once by its record; the rest once per line, trigger and ETA.
  const untold = fresh.filter((t, i) => (notice !== null && i === 0) || !toldAlready(l, t))
  return { lineNo: l.lineNo, triggers: untold.sort(byTrigger), notice, cancel, delay }
}

const byTrigger = (a: LineTrigger, b: LineTrigger) => TRIGGERS.indexOf(a.trigger) - TRIGGERS.indexOf(b.trigger)

/**
 * The plan for one order's message in this sweep: all its lines' untold triggers grouped into
 * one message, whether the law requires it, and the last day it may leave.
 */
export function planOrderOutreach(lines: LineOutreachInput[], ctx: OutreachContext): OrderPlan {
  const plans = [...lines].sort((a, b) => a.lineNo - b.lineNo).map((l) => planLine(l, ctx))
  const speaking = plans.filter((p) => p.triggers.length > 0)
  const triggers = TRIGGERS.filter((t) => speaking.some((p) => p.triggers.some((x) => x.trigger === t)))
  const dues = speaking.map((p) => p.notice?.dueBy).filter((d): d is IsoDate => Boolean(d)).sort()
  return {
    lines: plans,
    triggers,
    lineNos: speaking.map((p) => p.lineNo),
    required: triggers.some((t) => REQUIRED_TRIGGERS.includes(t)),
    dueBy: dues[0] ?? null,
  }
}
