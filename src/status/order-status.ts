import { z } from 'zod'
import type { Queryable } from '../store/db.ts'
import { loadBackorderHistory, loadOrderSnapshot, type LineSnapshot, type OrderSnapshot } from '../store/order-snapshot.ts'
import { deriveLineStatus, type LineStatus } from '../domain/line-state.ts'
import { deriveOrderStatus } from '../domain/order-status.ts'
import { localDay } from '../domain/calendar.ts'
import type { CalendarConfig, Eta } from '../domain/types.ts'
import { LINE_STATES } from '../domain/types.ts'
import { carrierName, trackingUrl } from '../carriers/carriers.ts'
import type { Alternative } from '../domain/alternatives.ts'
import { alternativesForLines } from './line-alternatives.ts'
import { currentModel } from '../store/eta-models.ts'
import type { EtaModel } from '../domain/estimate/learn.ts'

export const EtaSchema = z
  .object({
    earliest: z.string().describe('YYYY-MM-DD'),
    latest: z.string().describe('YYYY-MM-DD'),
    source: z.enum(['carrier', 'supplier', 'promise', 'history']),
    basis: z.string().optional().describe('For a learned ETA: what it was learned from, e.g. "supplier SUP-A hand-off, 214 orders; lane US 940 → US 100 ground, 96 parcels"'),
  })
  .nullable()

export const TrackingSchema = z.object({
  carrier: z.string().nullable(),
  number: z.string(),
  url: z.string().nullable(),
  status: z.string(),
})

export const AlternativeSchema = z.object({
  kind: z.enum(['other_supplier', 'variant', 'equivalent']),
  sku: z.string(),
  name: z.string(),
  eta: z.string().nullable(),
  daysSooner: z.number().nullable(),
  priceDelta: z.number(),
})

const LineStateSchema = z.enum(LINE_STATES)

export const LineStatusSchema = z.object({
  lineNo: z.number().int(),
  sku: z.string(),
  name: z.string(),
  qty: z.number().int(),
  state: LineStateSchema,
  quantities: z.record(z.string(), z.number().int()),
  explanation: z.string(),
  eta: EtaSchema,
  tracking: z.array(TrackingSchema),
  alternatives: z.array(AlternativeSchema),
})

/** The customer's view of an order (DESIGN.md "Interfaces"): no supplier, PO or cost, ever. */
export const OrderStatusSchema = z.object({
  orderNumber: z.string(),
  placedAt: z.string(),
  state: LineStateSchema,
  headline: z.string(),
  eta: EtaSchema,
  lines: z.array(LineStatusSchema),
})
export type OrderStatusView = z.infer<typeof OrderStatusSchema>

/** The rep's view adds who supplies each line and on which purchase order. */
export type RepLineView = Omit<OrderStatusView['lines'][number], 'alternatives'> & {
  supplierId: string | null
  supplierName: string | null
  poNumber: string | null
  poLine: string | null
  promisedShipDate: string
  expectedShipDate: string | null
  resolution: string | null
  reason: string | null
  /** The customer's alternatives plus who would supply each and at what cost. */
  alternatives: RepAlternativeView[]
}
export type RepAlternativeView = z.infer<typeof AlternativeSchema> & { supplierId: string; supplierName: string | null; cost: number | null }
export type RepOrderView = Omit<OrderStatusView, 'lines'> & {
  customerName: string | null
  customerEmail: string | null
  lines: RepLineView[]
}

export interface StatusContext {
  now: Date
  calendar: CalendarConfig
  /** Business days past its promise before a delayed line gets alternatives (default 5). */
  alternativesDelayDays?: number
  /** The learned ETA model to use; absent: the latest stored at `now` (null: the rules alone). */
  model?: EtaModel | null
}

export interface DerivedOrder {
  snapshot: OrderSnapshot
  lines: { snapshot: LineSnapshot; status: LineStatus; alternatives: Alternative[] }[]
  order: { state: OrderStatusView['state']; headline: string; eta: Eta | null }
}

/** Past backorder durations per supplier, read at most once per supplier per request or sweep. */
export type HistoryCache = Map<string, number[]>

// A supplier's past backorders change slowly; re-reading them (a scan of its signals) for every
// lookup would dominate the status route. One read per supplier per database per store day is plenty.
const dailyHistory = new WeakMap<Queryable, Map<string, { day: string; days: Promise<number[]> }>>()

async function backorderHistory(db: Queryable, supplierId: string, now: Date, calendar: CalendarConfig): Promise<number[]> {
  const day = localDay(now, calendar)
  let perDb = dailyHistory.get(db)
  if (!perDb) dailyHistory.set(db, (perDb = new Map()))
  const hit = perDb.get(supplierId)
  if (hit && hit.day === day) return hit.days
  const days = loadBackorderHistory(db, supplierId, now)
  perDb.set(supplierId, { day, days })
  days.catch(() => perDb.delete(supplierId))
  return days
}

/**
 * Derives one line's status. Past backorders are only read when the supplier gave no date:
 * the common case costs no query.
 */
export async function deriveLine(db: Queryable, ls: LineSnapshot, ctx: StatusContext, cache: HistoryCache): Promise<LineStatus> {
  const model = ctx.model !== undefined ? ctx.model : await currentModel(db, ctx.now)
  const status = deriveLineStatus(ls.line, ls.signals, { now: ctx.now, calendar: ctx.calendar, history: null, model })
  const supplierId = ls.line.supplierId
  if ((status.state !== 'backordered' && status.state !== 'restocked') || status.eta !== null || !supplierId) return status
  if (!cache.has(supplierId)) cache.set(supplierId, await backorderHistory(db, supplierId, ctx.now, ctx.calendar))
  const backorderDays = cache.get(supplierId) ?? []
  if (backorderDays.length === 0) return status
  return deriveLineStatus(ls.line, ls.signals, { now: ctx.now, calendar: ctx.calendar, history: { backorderDays }, model })
}

/** Derives every line's status and the order's rollup at `now`. */
export async function deriveOrder(db: Queryable, snapshot: OrderSnapshot, ctx: StatusContext): Promise<DerivedOrder> {
  const cache: HistoryCache = new Map()
  const derived = []
  for (const ls of snapshot.lines) derived.push({ snapshot: ls, status: await deriveLine(db, ls, ctx, cache) })
  const alternatives = await alternativesForLines(db, derived, ctx)
  const lines = derived.map((l, i) => ({ ...l, alternatives: alternatives[i] }))
  return { snapshot, lines, order: deriveOrderStatus(lines.map((l) => l.status)) }
}

/** Loads and derives an order; null when it does not exist. */
export async function getOrderStatus(db: Queryable, orderNumber: string, ctx: StatusContext): Promise<DerivedOrder | null> {
  const snapshot = await loadOrderSnapshot(db, orderNumber)
  return snapshot ? deriveOrder(db, snapshot, ctx) : null
}

function presentLine(l: DerivedOrder['lines'][number]): OrderStatusView['lines'][number] {
  const { snapshot: ls, status } = l
  return {
    lineNo: ls.line.lineNo,
    sku: ls.line.sku,
    name: ls.name,
    qty: ls.line.qty,
    state: status.state,
    quantities: status.quantities as Record<string, number>,
    explanation: status.explanation,
    eta: status.eta,
    tracking: status.tracking.map((t) => ({
      carrier: carrierName(t.carrier),
      number: t.number,
      url: trackingUrl(t.carrier, t.number),
      status: t.status,
    })),
    // Never a supplier or a cost in the customer's view.
    alternatives: l.alternatives.map((a) => ({
      kind: a.kind, sku: a.sku, name: a.name, eta: a.eta, daysSooner: a.daysSooner, priceDelta: a.priceDelta,
    })),
  }
}

/** The customer's view. */
export function presentCustomerView(d: DerivedOrder): OrderStatusView {
  return {
    orderNumber: d.snapshot.orderNumber,
    placedAt: d.snapshot.placedAt.toISOString(),
    state: d.order.state,
    headline: d.order.headline,
    eta: d.order.eta,
    lines: d.lines.map(presentLine),
  }
}

/** The rep's view: the customer's, plus suppliers, POs and the supplier's own dates. */
export function presentRepView(d: DerivedOrder): RepOrderView {
  const base = presentCustomerView(d)
  return {
    ...base,
    customerName: d.snapshot.customerName,
    customerEmail: d.snapshot.customerEmail,
    lines: d.lines.map((l, i) => {
      const po = l.snapshot.pos.find((p) => p.active) ?? l.snapshot.pos[0]
      return {
        ...base.lines[i],
        supplierId: l.snapshot.line.supplierId,
        supplierName: l.snapshot.supplierName,
        poNumber: po?.poNumber ?? null,
        poLine: po?.poLine ?? null,
        promisedShipDate: l.status.promisedShipDate,
        expectedShipDate: l.status.expectedShipDate,
        resolution: l.status.resolution,
        reason: l.status.reason,
        alternatives: l.alternatives.map((a, j) => ({
          ...base.lines[i].alternatives[j], supplierId: a.supplierId, supplierName: a.supplierName, cost: a.cost,
        })),
      }
    }),
  }
}

const norm = (s: string | null | undefined) => (s ?? '').trim().toLowerCase()
const postal = (s: string | null | undefined) => norm(s).replace(/[\s-]/g, '')

/**
 * True when the customer proved the order is theirs: the email on it (any case) or its postal
 * code (ignoring spaces and dashes).
 */
export function proofMatches(
  order: { email: string | null; postal_code: string | null },
  proof: { email?: string; postalCode?: string },
): boolean {
  if (proof.email && norm(proof.email) !== '' && norm(proof.email) === norm(order.email)) return true
  return Boolean(proof.postalCode && postal(proof.postalCode) !== '' && postal(proof.postalCode) === postal(order.postal_code))
}

/** The proof as proofMatches compares it: one typo typed twice is the same proof (lookup-guard.ts). */
export function proofKey(proof: { email?: string; postalCode?: string }): string {
  return `email:${norm(proof.email)}\u0000postal:${postal(proof.postalCode)}`
}

/**
 * Finds an order for a customer who proves it is theirs with the email or postal code on it.
 * Unknown order and wrong proof both give null, so the caller cannot tell them apart.
 */
export async function findOrderForCustomer(
  db: Queryable,
  orderNumber: string,
  proof: { email?: string; postalCode?: string },
): Promise<OrderSnapshot | null> {
  const snapshot = await loadOrderSnapshot(db, orderNumber)
  if (!snapshot) return null
  return proofMatches({ email: snapshot.customerEmail, postal_code: snapshot.postalCode }, proof) ? snapshot : null
}
