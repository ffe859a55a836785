/**
 * The outreach pass of a sweep: takes each order the sweep looked at (outreach_queue), plans
 * its message with the pure policy, and in one transaction per batch writes what follows —
 * automatic cancellations, the message rows of every channel (the outbox), what each line was
 * told and the delay-notice record. A crash anywhere leaves all of it or none.
 */
import type { Db, Queryable } from '../store/db.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { localDay } from '../domain/calendar.ts'
import { planOrderOutreach, type OrderPlan } from '../domain/outreach-policy.ts'
import { chooseChannels } from '../domain/outreach-channels.ts'
import { customerZone, endOfDay, releaseAt, type QuietHours } from '../domain/quiet-hours.ts'
import { queueMessage } from '../notify/outbox.ts'
import type { MailFrom } from '../notify/mailer.ts'
import { openTask } from '../store/tasks.ts'
import { renderHtml } from '../notify/templates/order-update.tsx'
import { loadOutreachFacts, type OrderFacts } from './outreach-facts.ts'
import { autoCancelLine, whyNoNotice } from './auto-cancel.ts'
import { recordNoticeMessages } from '../store/notice-messages.ts'
import { saveShortLinks } from '../store/short-links.ts'
import { composeMessage, planKey, webhookBody, type ComposeOptions } from './compose-message.ts'
import type { MessageModel, StoreDetails } from './message-model.ts'
import { renderSms, renderText } from './render-text.ts'

export interface OutreachOptions {
  now: Date
  calendar: CalendarConfig
  store: StoreDetails
  storeZone: string
  quietHours: QuietHours
  mailFrom: MailFrom
  secret: string
  smsAvailable: boolean
  webhook: boolean
  slipBusinessDays?: number
  batchSize?: number
  choiceLinks?: ComposeOptions['choiceLinks']
}

export interface OutreachSummary {
  orders: number
  messages: number
  suppressed: number
  notices: number
  cancelled: number
}

/** Runs the outreach pass until the queue is empty. */
export async function runOutreach(db: Db, opts: OutreachOptions): Promise<OutreachSummary> {
  const summary: OutreachSummary = { orders: 0, messages: 0, suppressed: 0, notices: 0, cancelled: 0 }
  for (;;) {
    // Counted per batch and added only once it commits: a retried transaction counts once.
    const batch = await db.transaction(async (tx) => {
      const part: OutreachSummary = { orders: 0, messages: 0, suppressed: 0, notices: 0, cancelled: 0 }
      return { n: await outreachBatch(tx, opts, part), part }
    })
    if (batch.n === 0) return summary
    addOutreachSummary(summary, batch.part)
  }
}

/** Adds `b`'s counts into `a` (a sweep runs several outreach passes; a pass several batches). */
export function addOutreachSummary(a: OutreachSummary, b: OutreachSummary): OutreachSummary {
  for (const k of Object.keys(a) as (keyof OutreachSummary)[]) a[k] += b[k]
  return a
}

async function outreachBatch(tx: Queryable, opts: OutreachOptions, summary: OutreachSummary): Promise<number> {
  const claimed = await tx.query<{ order_id: number }>(
    // Only orders with no line left to sweep: one message groups all of an order's news even when
    // its lines fall in different sweep batches, and the rest need not wait for the whole sweep.
    `DELETE FROM outreach_queue WHERE order_id IN (
       SELECT q.order_id FROM outreach_queue q
        WHERE q.queued_at <= $2
          AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = q.order_id AND (l.dirty OR (NOT l.closed AND l.next_check_at <= $2)))
        ORDER BY q.order_id LIMIT $1 FOR UPDATE OF q SKIP LOCKED) RETURNING order_id`,
    [opts.batchSize ?? 200, opts.now],
  )
  if (claimed.length === 0) return 0
  // In order id order: DELETE … RETURNING gives rows in heap order, which differs between databases and runs.
  const ids = claimed.map((r) => Number(r.order_id)).sort((a, b) => a - b)
  const facts = (await loadOutreachFacts(tx, ids, { now: opts.now, calendar: opts.calendar })).sort((a, b) => Number(a.orderId) - Number(b.orderId))
  // The store's day (DESIGN.md: every day of the rule is one in the store's zone, a deadline its end).
  const today = localDay(opts.now, opts.calendar)
  for (const order of facts) {
    summary.orders++
    const plan = planOrderOutreach(order.lines.map((l) => ({
      lineNo: l.snapshot.line.lineNo, state: l.status.state, quantities: l.status.quantities, promisedShipDate: l.status.promisedShipDate,
      applicableDate: l.status.applicableDate, expectedShipDate: l.status.expectedShipDate, eta: l.status.eta, tracking: l.status.tracking, everLate: l.everLate,
      told: l.told, notices: l.notices, answers: l.answers, alternatives: l.alternatives,
    })), { today, calendar: opts.calendar, slipBusinessDays: opts.slipBusinessDays })
    if (plan.triggers.length > 0) await applyPlan(tx, order, plan, opts, summary)
  }
  return claimed.length
}

async function applyPlan(tx: Queryable, order: OrderFacts, plan: OrderPlan, opts: OutreachOptions, summary: OutreachSummary): Promise<void> {
  const today = localDay(opts.now, opts.calendar)
  const cancelled = new Map<number, { qty: number; refundDue: string; reason: string }>()
  for (const p of plan.lines.filter((x) => x.cancel)) {
    const f = order.lines.find((l) => l.snapshot.line.lineNo === p.lineNo)!
    const q = f.status.quantities
    const qty = (q.processing ?? 0) + (q.delayed ?? 0) + (q.backordered ?? 0) + (q.restocked ?? 0) + (q.unavailable ?? 0)
    const reason = p.cancel!.reason
    const done = await autoCancelLine(tx, {
      orderId: order.orderId, orderLineId: f.snapshot.orderLineId, lineNo: p.lineNo, qty, reason,
      noticeId: f.notices.at(-1)?.noticeId ?? null, today, now: opts.now, calendar: opts.calendar,
      why: reason === 'no_notice' ? whyNoNotice(p.delay.applicableDate, f.notices, opts.calendar) : null,
    })
    if (done) {
      cancelled.set(p.lineNo, { qty, refundDue: done.refundDue, reason: p.cancel!.reason })
      summary.cancelled++
    }
  }
  const model = composeMessage(order, plan, cancelled, {
    store: opts.store, secret: opts.secret, now: opts.now, timeZone: opts.calendar.timeZone ?? opts.storeZone, choiceLinks: opts.choiceLinks,
  })
  // The text part's short links resolve from the moment the message exists (same transaction).
  await saveShortLinks(tx, model.lines.flatMap((l) => l.choices.flatMap((c) =>
    c.shortUrl && c.expiresAt ? [{ code: c.shortUrl.slice(c.shortUrl.lastIndexOf('/') + 1), url: c.url, expiresAt: c.expiresAt }] : [])), opts.now)
  const sent = await writeMessages(tx, order, plan, model, opts, summary)
  const first = sent[0]?.notificationId ?? null
  await recordTold(tx, order, plan, first, opts.now)
  const noticeIds = await recordNotices(tx, order, plan, first, opts.now)
  await recordNoticeMessages(tx, noticeIds, sent)
  summary.notices += noticeIds.length
}

/** A customer message written for the plan: its row, and whether it carries the plan's notices in full. */
interface Written {
  notificationId: number
  complete: boolean
}

async function writeMessages(tx: Queryable, order: OrderFacts, plan: OrderPlan, m: MessageModel, opts: OutreachOptions, summary: OutreachSummary): Promise<Written[]> {
  const c = order.customer
  const picks = chooseChannels({
    email: c.email, phone: c.phone, preferred: c.channel, emailOptedOut: c.emailOptedOut, smsOptedOut: c.smsOptedOut, smsAvailable: opts.smsAvailable,
  }, plan.required)
  const zone = customerZone(order.postalCode, opts.storeZone)
  // The notice's last day is the store's (the legal clock); quiet hours are the customer's night.
  const deadline = plan.dueBy ? endOfDay(plan.dueBy, opts.calendar.timeZone ?? opts.storeZone) : null
  const sendAfter = releaseAt(opts.now, zone, opts.quietHours, deadline)
  const key = planKey(order, plan)
  const text = renderText(m)
  const sms = renderSms(m)
  const base = {
    orderId: order.orderId, trigger: plan.triggers[0], triggers: plan.triggers, lineNos: plan.lineNos, required: plan.required,
    deadlineAt: deadline, sendAfter, quietZone: zone, now: opts.now, subject: m.subject,
  }
  const written: Written[] = []
  for (const p of picks) {
    const email = p.channel === 'email'
    const headers = email ? unsubscribeHeaders(m, opts) : undefined
    const id = await queueMessage(tx, {
      ...base, channel: p.channel, recipient: p.to, dedupeKey: `outreach:${key}:${p.channel}`, suppressed: p.suppressed,
      body: email ? text : sms.body,
      payload: email ? { from: opts.mailFrom, html: await renderHtml(m), headers } : {},
    })
    if (id !== null) {
      // An email carries every sentence of the notice; a text only when it all fits (render-text.ts).
      written.push({ notificationId: id, complete: email || sms.complete })
      if (p.suppressed) summary.suppressed++
      else summary.messages++
    }
  }
  const ids = written.map((w) => w.notificationId)
  if (plan.required && picks.every((p) => p.suppressed)) {
    await openTask(tx, {
      kind: 'notice_undeliverable', dedupeKey: `notice_undeliverable:${key}`, orderId: order.orderId,
      title: 'A required delay notice has nobody to go to', detail: `${m.subject}: ${picks[0].suppressed}; tell the customer another way`, now: opts.now,
    })
  }
  if (opts.webhook && ids.length > 0) {
    await queueMessage(tx, { ...base, sendAfter: opts.now, quietZone: null, channel: 'webhook', recipient: 'retailer', dedupeKey: `outreach:${key}:webhook`, body: webhookBody(m, ids, opts.now) })
  }
  return written
}

/** RFC 2369 / RFC 8058 headers: a signed one-click link, and the support address. */
function unsubscribeHeaders(m: MessageModel, opts: OutreachOptions): Record<string, string> {
  return {
    'List-Unsubscribe': `<${m.unsubscribeUrl}>, <mailto:${opts.store.supportEmail}?subject=unsubscribe>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  }
}

async function recordTold(tx: Queryable, order: OrderFacts, plan: OrderPlan, notificationId: number | null, now: Date): Promise<void> {
  const rows = plan.lines.flatMap((p) => {
    const id = order.lines.find((l) => l.snapshot.line.lineNo === p.lineNo)!.snapshot.orderLineId
    return p.triggers.map((t) => [id, t.trigger, t.etaKey] as const)
  })
  if (rows.length === 0) return
  await tx.query(
    `INSERT INTO outreach_told (order_line_id, trigger, eta_key, notification_id, told_at)
     SELECT l, t, k, $4, $5 FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v(l, t, k)
     ON CONFLICT DO NOTHING`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), notificationId, now],
  )
}

/** The FTC record of the notices this message carries; returns their ids. */
async function recordNotices(tx: Queryable, order: OrderFacts, plan: OrderPlan, notificationId: number | null, now: Date): Promise<number[]> {
  const rows = plan.lines.filter((p) => p.notice && !p.cancel).map((p) => {
    const f = order.lines.find((l) => l.snapshot.line.lineNo === p.lineNo)!
    return { line: f.snapshot.orderLineId, kind: p.notice!.kind, applicable: p.delay.applicableDate, revised: p.notice!.revisedDate,
      silence: p.notice!.silence, cancelOn: p.notice!.cancelOn, reason: f.status.state }
  })
  if (rows.length === 0) return []
  // One statement for all of the order's notices.
  const ids = await tx.query<{ notice_id: number }>(
    `INSERT INTO delay_notices (order_line_id, kind, applicable_date, revised_date, silence, cancel_on, reason, notification_id, created_at)
     SELECT l, k, a, r, s, c, why, $8, $9
       FROM unnest($1::bigint[], $2::text[], $3::date[], $4::date[], $5::text[], $6::date[], $7::text[]) WITH ORDINALITY AS v(l, k, a, r, s, c, why, n)
      ORDER BY n RETURNING notice_id`,
    [rows.map((r) => r.line), rows.map((r) => r.kind), rows.map((r) => r.applicable), rows.map((r) => r.revised), rows.map((r) => r.silence),
      rows.map((r) => r.cancelOn), rows.map((r) => r.reason), notificationId, now],
  )
  return ids.map((r) => r.notice_id)
}
