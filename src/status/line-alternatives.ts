import type { Queryable } from '../store/db.ts'
import type { LineSnapshot } from '../store/order-snapshot.ts'
import type { LineStatus } from '../domain/line-state.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { localDay } from '../domain/calendar.ts'
import { findAlternatives, needsAlternatives, openQuantity, type Alternative } from '../domain/alternatives.ts'
import { candidatesFor, lineFit, loadAlternativeInputs } from '../store/alternatives.ts'

/** Business days past its promise before a delayed line is offered alternatives (WISMO_ALTERNATIVES_DELAY_DAYS). */
export const DEFAULT_ALTERNATIVES_DELAY_DAYS = 5

export interface AlternativesContext {
  now: Date
  calendar: CalendarConfig
  alternativesDelayDays?: number
}

/**
 * The alternatives of each line (empty for lines that need none), in the order given. Reads the
 * candidates of all qualifying lines in one statement, and none when no line qualifies — the
 * common lookup pays nothing for this.
 */
export async function alternativesForLines(
  db: Queryable,
  lines: { snapshot: LineSnapshot; status: LineStatus }[],
  ctx: AlternativesContext,
): Promise<Alternative[][]> {
  const today = localDay(ctx.now, ctx.calendar)
  const delayDays = ctx.alternativesDelayDays ?? DEFAULT_ALTERNATIVES_DELAY_DAYS
  const wanted = lines.map((l) =>
    needsAlternatives(
      { state: l.status.state, openQty: openQuantity(l.status.quantities), promisedShipDate: l.status.promisedShipDate },
      today, delayDays, ctx.calendar,
    ),
  )
  if (!wanted.some(Boolean)) return lines.map(() => [])
  const inputs = await loadAlternativeInputs(db, lines.filter((_, i) => wanted[i]).map((l) => ({ orderLineId: l.snapshot.orderLineId, sku: l.snapshot.line.sku })))
  return lines.map((l, i) => {
    if (!wanted[i]) return []
    const sku = l.snapshot.line.sku
    return findAlternatives({
      ...candidatesFor(inputs, sku),
      line: {
        sku, supplierId: l.snapshot.line.supplierId, openQty: openQuantity(l.status.quantities),
        unitPrice: inputs.unitPrice.get(l.snapshot.orderLineId) ?? null, family: inputs.family.get(sku) ?? null,
        ...lineFit(inputs, sku),
        state: l.status.state, eta: l.status.eta,
      },
      reserved: inputs.reserved,
      today,
      calendar: ctx.calendar,
    })
  })
}
