/**
 * The three example orders the demo points people at, one per way an inquiry resolves
 * (DESIGN.md): told on purpose rather than hunted for, so every seed has all three.
 */
import type { Offer } from './catalog.ts'
import { planLine, type PlannedOrder, type World } from './orders.ts'
import type { Story } from './stories.ts'
import type { LinePlan } from './story-kit.ts'
import { DAY } from './timeline.ts'

export type ExampleLabel = 'easy' | 'intermediate' | 'ugly'

interface ExampleSpec {
  label: ExampleLabel
  /** About how many days ago it was ordered. */
  ageDays: number
  /** Stories per line; the last line is the one the example is about and must be told as asked. */
  lines: Story[][]
  keyFilter?: (w: World, o: Offer) => boolean
  /** A last word on the key line's plan. */
  keyCheck?: (plan: LinePlan) => boolean
}

/** The backordered item has somewhere else to go: another supplier has it, and a parallel brand makes it. */
function hasAlternatives(w: World, o: Offer): boolean {
  const others = w.catalog.offersBySku.get(o.sku) ?? []
  const twin = w.catalog.equivalents.some(([a, b]) => a === o.sku || b === o.sku)
  return twin && others.some((x) => x.supplierId !== o.supplierId && x.availableQty > 0)
}

const SPECS: ExampleSpec[] = [
  // Slow to ship, now on its way with tracking.
  // (The carrier has scanned it already, so the page shows a carrier's estimate.)
  { label: 'easy', ageDays: 9, lines: [['in_transit/late']], keyCheck: (p) => p.events.length > 0 },
  // Out of stock when ordered; the supplier restocked and shipped it.
  { label: 'intermediate', ageDays: 16, lines: [['in_transit/backorder']] },
  // One item arrived; the other is backordered with a date weeks out.
  { label: 'ugly', ageDays: 12, lines: [['delivered/ontime', 'in_transit/ontime', 'silent'], ['bo_long']], keyFilter: hasAlternatives },
]

function tryOrder(w: World, order: PlannedOrder, spec: ExampleSpec): boolean {
  order.lines = []
  for (const [i, stories] of spec.lines.entries()) {
    const key = i === spec.lines.length - 1
    const filter = key && spec.keyFilter ? (o: Offer) => spec.keyFilter!(w, o) : undefined
    const line = planLine(w, { order, stories, offerFilter: filter })
    if (!line || (key && spec.keyCheck && !spec.keyCheck(line.plan))) {
      order.lines = []
      return false
    }
    order.lines.push(line)
  }
  return true
}

/** Plans the example orders (the orders placed nearest each example's age that can tell it). */
export function planExamples(w: World, orders: PlannedOrder[]): { label: ExampleLabel; order: PlannedOrder }[] {
  const chosen: { label: ExampleLabel; order: PlannedOrder }[] = []
  for (const spec of SPECS) {
    const target = w.now.getTime() - spec.ageDays * DAY
    const candidates = orders
      .filter((o) => o.lines.length === 0)
      .sort((a, b) => Math.abs(a.placedAt.getTime() - target) - Math.abs(b.placedAt.getTime() - target))
      .slice(0, 40)
    const order = candidates.find((o) => tryOrder(w, o, spec))
    if (!order) throw new Error(`demo: no order can tell the ${spec.label} example`)
    chosen.push({ label: spec.label, order })
  }
  return chosen
}
