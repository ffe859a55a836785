/**
 * Split lines: the supplier had part of the quantity, shipped it, and backordered the rest —
 * which may since have come back in stock and shipped in a second parcel.
 */
import { addCalendarDays } from '../domain/calendar.ts'
import { day, parcelAt, plan, shippedRow, sig, tripSoFar, type LineInput, type LinePlan } from './story-kit.ts'

export type SplitKind = 'split_wait' | 'split_restock' | 'split_shipped'

export function splitStory(kind: SplitKind, inp: LineInput): LinePlan | null {
  const { rng, slots, qty, today, offer } = inp
  if (qty < 2 || slots.length < 2) return null
  const shipped = rng.int(1, qty - 1)
  const rest = qty - shipped
  const expected = kind === 'split_wait'
    ? offer.restockDate ?? (rng.chance(0.4) ? addCalendarDays(today, rng.int(5, 25)) : null)
    : rng.chance(0.5) ? addCalendarDays(day(slots[0]), rng.int(5, 15)) : null
  const k = rng.int(0, slots.length - 2)
  const first = parcelAt(inp, slots[k])
  const signals = [
    sig(slots[0], 'accepted', { qty: shipped }),
    sig(slots[0], 'backordered', { qty: rest, expected }),
    shippedRow(inp, first, shipped),
  ]
  const events = tripSoFar(inp, first)
  if (kind === 'split_wait') return plan(signals, events)
  // Back in stock lately (a restock weeks ago that never shipped would be a different story).
  const j = kind === 'split_restock' ? Math.max(k + 1, slots.length - 1 - rng.int(0, 1)) : rng.int(k + 1, slots.length - 1)
  signals.push(sig(slots[j], 'accepted', { qty: rest }))
  if (kind === 'split_restock') return plan(signals, events)
  const second = parcelAt(inp, slots[rng.int(j, Math.min(j + 3, slots.length - 1))])
  signals.push(shippedRow(inp, second, rest))
  return plan(signals, [...events, ...tripSoFar(inp, second)])
}
