/**
 * One customer message per trigger, composed by the real composeMessage from small facts: each
 * line's explanation is the real explainLine's words for its state, its links the real signed
 * buttons. For tests that look at every trigger's email (linter, Chromium, subject vs body).
 */
import { TRIGGERS, type OrderPlan, type Trigger } from '../../src/domain/outreach-policy.ts'
import type { NoticeDraft } from '../../src/domain/delay-notice.ts'
import type { Alternative } from '../../src/domain/alternatives.ts'
import type { Eta, LineState } from '../../src/domain/types.ts'
import { explainLine } from '../../src/domain/explain.ts'
import { composeMessage } from '../../src/outreach/compose-message.ts'
import type { LineFacts, OrderFacts } from '../../src/outreach/outreach-facts.ts'
import type { MessageModel, StoreDetails } from '../../src/outreach/message-model.ts'

export { TRIGGERS }
export const FIXTURE_NOW = new Date('2026-11-03T15:00:00Z')
export const FIXTURE_SECRET = 'fixture-secret-0123456789'
export const FIXTURE_STORE: StoreDetails = { name: 'Trailhead Outfitters', phone: '1-800-555-0142', supportEmail: 'help@trailhead.example', publicUrl: 'https://shop.example' }

const eta = (earliest: string, latest: string): Eta => ({ earliest, latest, source: 'supplier' } as Eta)
const alt = (sku: string, name: string, day: string, priceDelta: number): Alternative =>
  ({ kind: 'same_family', sku, name, supplierId: 'S2', supplierName: null, cost: null, shipDate: day, eta: day, daysSooner: 10, priceDelta } as unknown as Alternative)
const notice = (over: Partial<NoticeDraft>): NoticeDraft => ({ kind: 'first', revisedDate: null, silence: 'cancel', cancelOn: '2026-11-06', dueBy: '2026-11-03', ...over })
const parcel = (status: string) => [{ carrier: 'UPS', number: '1Z999AA10123456784', status, qty: 1, shippedAt: FIXTURE_NOW, lastEvent: null, estimatedDelivery: '2026-11-06' }]

interface Spec {
  state: LineState
  eta?: Eta | null
  expectedShipDate?: string | null
  notice?: NoticeDraft
  alternatives?: Alternative[]
  tracking?: ReturnType<typeof parcel>
  reason?: string
  switched?: LineFacts['switched']
  /** This message cancels the line (the delay rule's cancellation). */
  cancel?: { qty: number; refundDue: string; reason: string }
}

const TWO_ALTERNATIVES = [alt('TENT-2P-GRN', 'Trailhead 2P Tent, green', '2026-11-10', 0), alt('TENT-2P-PRO', 'Trailhead 2P Tent Pro, orange', '2026-11-09', 20)]

/** What the line is like when the message of each trigger is sent. */
const SPECS: Record<Trigger, Spec> = {
  cancelled: { state: 'delayed', expectedShipDate: '2026-12-20', cancel: { qty: 1, refundDue: '2026-11-10', reason: 'no_consent' } },
  unavailable: { state: 'unavailable', notice: notice({}), alternatives: TWO_ALTERNATIVES },
  renewed_delay: { state: 'backordered', expectedShipDate: '2026-12-20', eta: eta('2026-12-22', '2026-12-24'), notice: notice({ kind: 'renewed', revisedDate: '2026-12-20' }), alternatives: [TWO_ALTERNATIVES[1]] },
  backordered: { state: 'backordered', expectedShipDate: '2026-11-20', eta: eta('2026-11-23', '2026-11-25'), notice: notice({ revisedDate: '2026-11-20', silence: 'consent', cancelOn: null }), alternatives: TWO_ALTERNATIVES },
  delayed: { state: 'delayed', notice: notice({}) },
  exception: { state: 'exception', tracking: parcel('exception'), reason: 'address incomplete' },
  switched: { state: 'processing', eta: eta('2026-11-09', '2026-11-11'), switched: { at: FIXTURE_NOW, fromName: 'Trailhead 2P Tent, orange', priceDelta: -5, absorbed: false, byRep: false } },
  eta_slipped: { state: 'processing', eta: eta('2026-11-16', '2026-11-18') },
  restocked: { state: 'restocked', expectedShipDate: '2026-11-05', eta: eta('2026-11-09', '2026-11-11') },
  shipped: { state: 'in_transit', eta: eta('2026-11-05', '2026-11-06'), tracking: parcel('in_transit') },
}

/** The order facts and plan of a one-line order whose line brings `trigger`. */
export function factsFor(trigger: Trigger, name = 'Trailhead 2P Tent, blue'): { order: OrderFacts; plan: OrderPlan; cancelled: Map<number, { qty: number; refundDue: string; reason: string }> } {
  const s = SPECS[trigger]
  const quantities = { [s.state]: 1 }
  const explanation = explainLine({
    state: s.state, quantities, qty: 1, eta: s.eta ?? null, promisedShipDate: '2026-11-02', expectedShipDate: s.expectedShipDate ?? null,
    reason: s.reason ?? null, today: '2026-11-03', carrier: s.tracking ? 'UPS' : null,
  })
  const line = {
    snapshot: { orderLineId: 11, orderId: 1, name, line: { lineNo: 1, sku: 'TENT-2P-BLU', qty: 1 } },
    status: { state: s.state, quantities, explanation, eta: s.eta ?? null, tracking: s.tracking ?? [] },
    switched: s.switched ?? null, refundDue: null, cancelReason: null, alternativeOffers: s.alternatives ?? [],
  } as unknown as LineFacts
  const order = {
    orderId: 1, orderNumber: 'W1001', placedAt: new Date('2026-10-30T15:00:00Z'), postalCode: '10001',
    customer: { id: 1, name: 'Dana', email: 'dana@example.com', phone: null, channel: 'email', emailOptedOut: false, smsOptedOut: false },
    lines: [line],
  } as OrderFacts
  const plan = {
    lines: [{ lineNo: 1, triggers: [{ trigger, etaKey: 'k' }], notice: s.notice ?? null, cancel: s.cancel ? { reason: s.cancel.reason } : null, delay: {} }],
    triggers: [trigger], lineNos: [1], required: true, dueBy: null,
  } as unknown as OrderPlan
  return { order, plan, cancelled: new Map(s.cancel ? [[1, s.cancel]] : []) }
}

/** The message of `trigger` for a store (the fixture store unless given). */
export function messageFor(trigger: Trigger, store: StoreDetails = FIXTURE_STORE, name?: string): MessageModel {
  const { order, plan, cancelled } = factsFor(trigger, name)
  return composeMessage(order, plan, cancelled, { store, secret: FIXTURE_SECRET, now: FIXTURE_NOW, timeZone: 'America/New_York' })
}
