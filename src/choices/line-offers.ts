/**
 * The answers each line of an order takes now, for the pages and the phone: the same rules that
 * recordChoice enforces (choice-rules.ts), fed with the customer's view and the delay notices sent.
 */
import type { Queryable } from '../store/db.ts'
import { linesNoticed } from '../store/choices-read.ts'
import { openQuantity } from '../domain/alternatives.ts'
import type { LineState } from '../domain/types.ts'
import { offeredChoices, type LineOffer } from './choice-rules.ts'

export interface OfferInputLine {
  orderLineId: number
  lineNo: number
  state: LineState
  quantities: Partial<Record<LineState, number>>
  alternatives: number
}

/** The offer of each line, by line number; a line with nothing to answer gets all false. */
export async function loadLineOffers(db: Queryable, lines: OfferInputLine[]): Promise<Map<number, LineOffer>> {
  const noticed = await linesNoticed(db, lines.map((l) => l.orderLineId))
  return new Map(lines.map((l) => [l.lineNo, offeredChoices({
    state: l.state, openQty: openQuantity(l.quantities), noticed: noticed.has(l.orderLineId), alternatives: l.alternatives,
  })]))
}

/** True when the line takes any answer at all. */
export const hasOffer = (o: LineOffer | undefined): boolean => Boolean(o && (o.wait || o.cancel || o.switch))
