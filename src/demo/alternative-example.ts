/**
 * The demo's "ugly" example has a backordered line with somewhere else to go; this finds its
 * first alternative so `npm start` and `wismo demo` can print one to try, with a signed link.
 */
import type { Queryable } from '../store/db.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { getOrderStatus } from '../status/order-status.ts'
import { choiceTokenExpiry, signChoiceToken } from '../choices/choice-token.ts'

export interface AlternativeToTry {
  orderNumber: string
  lineNo: number
  sku: string
  kind: string
  daysSooner: number | null
  priceDelta: number
  /** The command a rep would run. */
  command: string
  /** Path + query of the customer's signed link (prefix it with the public URL). */
  linkPath: string
}

/** The first alternative of the demo's examples (the ugly one first), or null when there is none. */
export async function demoAlternativeToTry(
  db: Queryable,
  examples: { label: string; orderNumber: string }[],
  ctx: { now: Date; calendar: CalendarConfig; secret: string },
): Promise<AlternativeToTry | null> {
  const ordered = [...examples].sort((a, b) => (a.label === 'ugly' ? -1 : b.label === 'ugly' ? 1 : 0))
  for (const ex of ordered) {
    const derived = await getOrderStatus(db, ex.orderNumber, { now: ctx.now, calendar: ctx.calendar })
    const line = derived?.lines.find((l) => l.alternatives.length > 0)
    if (!derived || !line) continue
    const alt = line.alternatives[0]
    const lineNo = line.snapshot.line.lineNo
    const token = signChoiceToken(ctx.secret, { orderNumber: ex.orderNumber, lineNo, expiresAt: choiceTokenExpiry(ctx.now) })
    return {
      orderNumber: ex.orderNumber, lineNo, sku: alt.sku, kind: alt.kind, daysSooner: alt.daysSooner, priceDelta: alt.priceDelta,
      command: `wismo choose ${ex.orderNumber} ${lineNo} switch ${alt.sku}`,
      linkPath: `/orders/${encodeURIComponent(ex.orderNumber)}/choose?token=${encodeURIComponent(token)}`,
    }
  }
  return null
}

/** One line for a person: what the alternative is and how much sooner. */
export function describeAlternativeToTry(a: AlternativeToTry): string {
  const sooner = a.daysSooner === null ? '' : `${a.daysSooner} days sooner, `
  const price = a.priceDelta === 0 ? 'same price' : `${a.priceDelta > 0 ? '+' : ''}${a.priceDelta.toFixed(2)} per unit`
  return `order ${a.orderNumber} line ${a.lineNo} can switch to ${a.sku} (${a.kind.replace('_', ' ')}: ${sooner}${price})`
}
