/**
 * The demo's customers answering their delay notices. A notice whose silence is not consent
 * (a date far out, or none) is answered a day or three later by most customers (by its last day): most wait, a
 * few cancel, a few switch to an alternative — through the real `recordChoice`, at the time
 * they answered. Seeded by the notice, so the same demo gets the same answers every time.
 */
import type { Db } from '../store/db.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { addCalendarDays, localDay, startOfLocalDay } from '../domain/calendar.ts'
import { DomainError } from '../domain/errors.ts'
import { recordChoice } from '../choices/record-choice.ts'
import { getOrderStatus } from '../status/order-status.ts'
import { Rng } from './random.ts'

export interface PendingAnswer {
  at: Date
  noticeId: number
  orderNumber: string
  lineNo: number
  choice: 'wait' | 'cancel' | 'switch'
}

interface NoticeRow {
  notice_id: number
  order_number: string
  line_no: number
  cancel_on: string
}

/** The customers who will answer the notices this sweep (at `at`) sent, and when; some never do. */
export async function plannedAnswers(
  db: Db,
  ctx: { at: Date; now: Date; seed: number; calendar: CalendarConfig; waitOrders: Set<string> },
): Promise<PendingAnswer[]> {
  const rows = await db.query<NoticeRow>(
    `SELECT n.notice_id, o.order_number, l.line_no, n.cancel_on::text AS cancel_on
       FROM delay_notices n JOIN order_lines l USING (order_line_id) JOIN orders o USING (order_id)
      WHERE n.created_at = $1 AND n.silence = 'cancel' ORDER BY n.notice_id`,
    [ctx.at],
  )
  const zone = ctx.calendar.timeZone ?? 'UTC'
  const out: PendingAnswer[] = []
  for (const r of rows) {
    const rng = new Rng(ctx.seed * 7919 + r.notice_id)
    const patient = ctx.waitOrders.has(r.order_number)
    if (rng.chance(0.1) && !patient) continue // never answers: wismo cancels it on its day
    // A day or three later, but by the notice's last day (a renewed notice's can be its own day).
    const later = addCalendarDays(localDay(ctx.at, zone), rng.int(1, 3))
    const day = later > r.cancel_on ? r.cancel_on : later
    let at = new Date(startOfLocalDay(day, zone).getTime() + rng.int(9 * 60, 20 * 60) * 60_000)
    if (at <= ctx.at) at = new Date(ctx.at.getTime() + rng.int(30, 240) * 60_000)
    const roll = rng.next()
    const choice = patient || roll >= 0.16 ? 'wait' : roll < 0.08 ? 'cancel' : 'switch'
    if (at < ctx.now && localDay(at, zone) <= r.cancel_on) out.push({ at, noticeId: r.notice_id, orderNumber: r.order_number, lineNo: r.line_no, choice })
  }
  return out
}

/**
 * Records one answer as the customer's signed link would. A switch takes the line's first
 * alternative (a wait when it has none); an answer the line no longer takes (it shipped, or was
 * cancelled meanwhile) is dropped, as the page would have refused it.
 */
export async function recordAnswer(db: Db, a: PendingAnswer, calendar: CalendarConfig): Promise<boolean> {
  let choice: PendingAnswer['choice'] = a.choice
  let sku: string | null = null
  if (choice === 'switch') {
    const order = await getOrderStatus(db, a.orderNumber, { now: a.at, calendar })
    sku = order?.lines.find((l) => l.snapshot.line.lineNo === a.lineNo)?.alternatives[0]?.sku ?? null
    if (!sku) choice = 'wait'
  }
  try {
    await recordChoice(db, {
      orderNumber: a.orderNumber, lineNo: a.lineNo, choice, sku, decidedBy: 'customer', channel: 'link', acceptPrice: true, now: a.at,
      config: { holidays: calendar.holidays, timezone: calendar.timeZone },
    })
    return true
  } catch (err) {
    if (err instanceof DomainError) return false
    throw err
  }
}
