/**
 * Joins the call and text flows to the rest of wismo: the customer's view, the shared
 * failed-proof limits, the choice record (the same as a link's, channel voice or sms), rep tasks
 * and the contact count.
 */
import type { AppDeps } from '../http/app.ts'
import { DomainError } from '../domain/errors.ts'
import { formatDay } from '../domain/text.ts'
import { calendarFrom } from '../status/calendar-config.ts'
import { proofMatches } from '../status/order-status.ts'
import { findOrderRow } from '../store/order-snapshot.ts'
import { openTask } from '../store/tasks.ts'
import { recordChoice, type ChoiceOutcome } from '../choices/record-choice.ts'
import { clientGuardKey, clientPolicyFrom, guardLookup, lookupPolicyFrom } from '../http/lookup-guard.ts'
import { phoneKey } from './phone.ts'
import { loadLineOffers } from '../choices/line-offers.ts'
import type { CallState } from './call-store.ts'
import type { KeypadChoice, VoiceServices, VoiceStep } from './call-flow.ts'
import type { SmsServices } from './sms-flow.ts'
import { customerOrder, openOrdersForPhone, orderNumberForKeyed } from './order-lookup.ts'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'config'>

/** The store's details and phone settings, with the defaults loadConfig gives (tests may pass less). */
export function phoneSettings(config: AppDeps['config']) {
  return {
    publicUrl: (config.publicUrl ?? 'http://localhost:3000').replace(/\/+$/, ''),
    store: {
      name: config.storeName ?? 'Basecamp Outdoor Supply',
      phone: config.storePhone ?? '1-800-555-0142',
      email: config.supportEmail ?? 'help@basecamp-outdoor.example',
      hours: config.storeHours ?? 'Monday to Friday, 9 a.m. to 6 p.m. Eastern',
    },
    repPhone: config.repPhone ?? null,
    twilioAuthToken: config.twilioAuthToken,
  }
}

/** Counts a call or text once; a later "rep_task" for the same call replaces "deflected". */
async function countContact(deps: Deps, channel: 'voice' | 'sms', ref: string, orderId: number | null, outcome: 'deflected' | 'rep_task') {
  await deps.db.query(
    `INSERT INTO contacts (channel, order_id, outcome, at, ref) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (channel, ref) WHERE ref IS NOT NULL
     DO UPDATE SET outcome = CASE WHEN EXCLUDED.outcome = 'rep_task' THEN 'rep_task' ELSE contacts.outcome END,
                   order_id = coalesce(EXCLUDED.order_id, contacts.order_id)`,
    [channel, orderId, outcome, deps.clock.now(), ref],
  )
}

/**
 * The proof check under the failed-proof limits shared with the page and the API: per order, and
 * per client — here the caller's number (spoofable, but a guesser who keeps one is held to it; the
 * per-order limit holds whatever number they use).
 */
async function provenOrder(deps: Deps, orderNumber: string, proof: { email?: string; postalCode?: string }, from: string | null) {
  const now = deps.clock.now()
  const caller = phoneKey(from)
  const client = caller ? clientGuardKey(`phone:${caller}`, now, clientPolicyFrom(deps.config)) : null
  const r = await guardLookup(deps.db, { scope: 'order', key: orderNumber, now, policy: lookupPolicyFrom(deps.config) }, async () => {
    const row = await findOrderRow(deps.db, orderNumber)
    return row && proofMatches(row, proof) ? { orderId: row.order_id, orderNumber: row.order_number } : null
  }, { client })
  return r.outcome === 'found' ? r.value : null
}

function saidFor(o: ChoiceOutcome, lineName: string): string {
  if (o.choice === 'wait') return `Thank you. We'll keep ${lineName} on order and let you know as soon as it ships. You can still cancel it at any time before it ships.`
  if (o.choice === 'cancel') {
    const refund = o.refund ? ` A refund of ${o.refund.amount.toFixed(2)} dollars will be issued by ${formatDay(o.refund.dueBy)}.` : ''
    return `Done: ${lineName} is cancelled.${refund}`
  }
  const sw = o.switched
  if (sw?.kind === 'other_supplier') return `Done: we're getting ${sw.name} from stock we found elsewhere. It should arrive by ${formatDay(sw.eta)}.`
  return sw ? `Done: we've switched to ${sw.name}. It should arrive by ${formatDay(sw.eta)}.` : 'Done: the switch is made.'
}

async function choose(deps: Deps, channel: 'voice' | 'sms', orderNumber: string, lineNo: number, choice: 'wait' | 'cancel' | 'switch', sku?: string): Promise<KeypadChoice> {
  try {
    const now = deps.clock.now()
    const before = await customerOrder(deps.db, orderNumber, { now, calendar: await calendarFrom(deps.db, deps.config, now) })
    const name = before?.view.lines.find((l) => l.lineNo === lineNo)?.name ?? 'the item'
    // On the phone the caller heard the price difference and pressed 1 to confirm it.
    const o = await recordChoice(deps.db, {
      orderNumber, lineNo, choice, sku: sku ?? null, decidedBy: 'customer', channel, acceptPrice: true, now: deps.clock.now(), config: deps.config,
    })
    return { ok: true, said: saidFor(o, name) }
  } catch (err) {
    if (err instanceof DomainError) return { ok: false, reason: err.message }
    throw err
  }
}

/** What each line of the order takes now; empty for an unknown order. */
async function lineOffers(deps: Deps, orderNumber: string, ctx: { now: Date; calendar: Awaited<ReturnType<typeof calendarFrom>> }) {
  const order = await customerOrder(deps.db, orderNumber, ctx)
  if (!order) return new Map()
  return loadLineOffers(deps.db, order.snapshot.lines.map((ls, i) => ({
    orderLineId: ls.orderLineId, lineNo: ls.line.lineNo, state: order.view.lines[i].state,
    quantities: order.view.lines[i].quantities, alternatives: order.view.lines[i].alternatives.length,
  })))
}

/** The services a call's steps use, for this request. */
export async function voiceServices(deps: Deps, from: string | null): Promise<VoiceServices> {
  const now = deps.clock.now()
  const calendar = await calendarFrom(deps.db, deps.config, now)
  const settings = phoneSettings(deps.config)
  const base = `${settings.publicUrl}/api/voice/incoming`
  return {
    db: deps.db,
    now,
    store: settings.store,
    repPhone: settings.repPhone,
    stepUrl: (step: VoiceStep, line?: number | null) => `${base}?step=${step}${line ? `&line=${line}` : ''}`,
    async orderForCaller(from) {
      const [latest] = from ? await openOrdersForPhone(deps.db, from, now) : []
      return latest ?? null
    },
    async orderForKeyed(keyed) {
      const number = await orderNumberForKeyed(deps.db, keyed)
      const row = number ? await findOrderRow(deps.db, number) : null
      return row ? { orderId: row.order_id, orderNumber: row.order_number } : null
    },
    async checkPostal(orderNumber, postal) {
      // An unknown order is checked (and counted) under what was keyed, like a wrong proof.
      return (await provenOrder(deps, orderNumber ?? '(unknown)', { postalCode: postal }, from)) !== null
    },
    async view(orderNumber) {
      return (await customerOrder(deps.db, orderNumber, { now, calendar }))?.view ?? null
    },
    offers: (orderNumber) => lineOffers(deps, orderNumber, { now, calendar }),
    choose: (orderNumber, lineNo, choice, sku) => choose(deps, 'voice', orderNumber, lineNo, choice, sku),
    async openRepTask(call: CallState, heard: string) {
      await openTask(deps.db, {
        kind: 'caller_wants_rep',
        dedupeKey: `voice:${call.callSid}`,
        title: `Caller ${call.fromNumber ?? 'unknown number'} asked for a person${call.orderNumber ? ` about order ${call.orderNumber}` : ''}`,
        detail: heard ? `The caller heard: ${heard}` : null,
        orderId: call.orderId,
        now,
      })
    },
    countContact: (call, outcome) => countContact(deps, 'voice', call.callSid, call.orderId, outcome),
  }
}

/** The services a text uses, for this request. */
export async function smsServices(deps: Deps, from: string): Promise<SmsServices> {
  const now = deps.clock.now()
  const calendar = await calendarFrom(deps.db, deps.config, now)
  const settings = phoneSettings(deps.config)
  const base = settings.publicUrl
  return {
    db: deps.db,
    now,
    store: settings.store,
    orderUrl: (n) => `${base}/orders/${encodeURIComponent(n)}`,
    async findProvenOrder(candidates, proof) {
      for (const c of candidates) {
        const number = await orderNumberForKeyed(deps.db, c)
        if (!number) continue
        const found = await provenOrder(deps, number, proof.includes('@') ? { email: proof } : { postalCode: proof }, from)
        if (found) return found
      }
      return null
    },
    async checkProof(orderNumber, proof) {
      return (await provenOrder(deps, orderNumber, proof.includes('@') ? { email: proof } : { postalCode: proof }, from)) !== null
    },
    async view(orderNumber) {
      return (await customerOrder(deps.db, orderNumber, { now, calendar }))?.view ?? null
    },
    async choose(orderNumber, lineNo, choice) {
      const r = await choose(deps, 'sms', orderNumber, lineNo, choice)
      return r.ok ? { ok: true } : r
    },
    countContact: (messageSid, orderId, outcome) => countContact(deps, 'sms', messageSid, orderId, outcome),
  }
}
