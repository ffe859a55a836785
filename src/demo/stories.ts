/**
 * What happens to one order line, told as the supplier feeds and carrier events that would
 * have reached wismo by `now`. Each story aims at a line state at `now` and returns null when
 * the line's dates cannot tell it (too young, no feed since the order, ...): the caller then
 * tries another story.
 */
import { addBusinessDays, addCalendarDays } from '../domain/calendar.ts'
import { shipStory, type ShipTarget, type ShipVariant } from './ship-stories.ts'
import { splitStory, type SplitKind } from './split-story.ts'
import { day, plan, sig, type LineInput, type LinePlan } from './story-kit.ts'

/** Which offers a story's line is drawn from: a backorder is told on an item that is out of stock. */
export type Stock = 'in' | 'out' | 'out_dated' | 'out_undated'

export type SimpleStory =
  | 'silent' | 'processing' | 'delayed' | 'bo_stock' | 'bo_dated' | 'bo_unknown' | 'bo_long'
  | 'restocked' | 'unavailable' | 'cancelled' | 'split_wait' | 'split_restock' | 'split_shipped'
export type Story = SimpleStory | `${ShipTarget}/${ShipVariant}`

type Builder = (inp: LineInput) => LinePlan | null

const processing: Builder = ({ rng, today, promise, slots, qty }) => {
  if (today > promise) return null
  if (slots.length === 0 || rng.chance(0.1)) return plan([])
  return plan([sig(slots[0], 'accepted', { qty, expected: rng.chance(0.5) ? promise : null })])
}

// Past its promise: acknowledged and then nothing, or never acknowledged at all.
const delayed: Builder = ({ rng, today, promise, slots, qty }) => {
  if (today <= promise) return null
  if (slots.length === 0 || rng.chance(0.25)) return plan([])
  return plan([sig(slots[0], 'accepted', { qty })])
}

const boStock: Builder = ({ slots, offer }) => (slots.length === 0 && offer.availableQty === 0 ? plan([]) : null)

const boUnknown: Builder = ({ slots, qty }) => (slots.length === 0 ? null : plan([sig(slots[0], 'backordered', { qty })]))

// Backordered with the supplier's date; sometimes the date moved out in a later feed.
const boDated: Builder = ({ rng, today, slots, qty, offer }) => {
  if (slots.length === 0) return null
  const date = offer.restockDate ?? addCalendarDays(today, rng.int(3, 21))
  if (date <= today) return null
  const first = addCalendarDays(date, -rng.int(6, 14))
  if (slots.length >= 5 && rng.chance(0.3) && first > addCalendarDays(day(slots[0]), 2)) {
    const k = rng.int(2, slots.length - 1)
    return plan([sig(slots[0], 'backordered', { qty, expected: first }), sig(slots[k], 'backordered', { qty, expected: date })])
  }
  return plan([sig(slots[0], 'backordered', { qty, expected: date })])
}

/** The ugly one: backordered with a date, then told the date moved weeks out. */
const boLong: Builder = ({ rng, today, slots, qty, offer }) => {
  if (slots.length < 3) return null
  const far = addCalendarDays(today, rng.int(14, 40))
  const date = offer.restockDate && offer.restockDate > far ? offer.restockDate : far
  const first = addCalendarDays(day(slots[0]), rng.int(7, 12))
  let k = slots.findIndex((t) => day(t) >= addCalendarDays(first, -2))
  if (k < 1) k = slots.length - 1
  return plan([sig(slots[0], 'backordered', { qty, expected: first }), sig(slots[k], 'backordered', { qty, expected: date })])
}

const restocked: Builder = ({ rng, today, cal, slots, qty }) => {
  if (slots.length < 2) return null
  const j = slots.length - 1 - rng.int(0, Math.min(1, slots.length - 2))
  const was = rng.chance(0.5) ? addCalendarDays(day(slots[0]), rng.int(5, 15)) : null
  const ships = rng.chance(0.6) ? addBusinessDays(today, rng.int(1, 3), cal) : null
  return plan([sig(slots[0], 'backordered', { qty, expected: was }), sig(slots[j], 'accepted', { qty, expected: ships })])
}

// Rejected outright, or backordered first and then discontinued.
const unavailable: Builder = ({ rng, slots, qty }) => {
  if (slots.length === 0) return null
  if (slots.length >= 3 && rng.chance(0.25)) {
    return plan([sig(slots[0], 'backordered', { qty }), sig(slots[rng.int(2, slots.length - 1)], 'rejected', { qty })])
  }
  return plan([sig(slots[0], 'rejected', { qty })])
}

// The customer changed their mind, or gave up waiting on a backorder; the supplier confirms.
const cancelled: Builder = ({ rng, slots, qty }) => {
  if (slots.length < 2) return null
  const k = rng.int(1, Math.min(slots.length - 1, 6))
  const first = rng.chance(0.5)
    ? sig(slots[0], 'accepted', { qty })
    : sig(slots[0], 'backordered', { qty, expected: rng.chance(0.5) ? addCalendarDays(day(slots[0]), rng.int(10, 30)) : null })
  return plan([first, sig(slots[k], 'cancelled', { qty })])
}

const SIMPLE: Record<Exclude<SimpleStory, `split_${string}`>, Builder> = {
  silent: () => plan([]),
  processing, delayed, bo_stock: boStock, bo_dated: boDated, bo_unknown: boUnknown, bo_long: boLong,
  restocked, unavailable, cancelled,
}

export const STOCK: Partial<Record<Story, Stock>> = {
  bo_stock: 'out', bo_dated: 'out_dated', bo_long: 'out_dated', bo_unknown: 'out_undated', unavailable: 'out_undated',
  split_wait: 'out',
}

export function buildStory(story: Story, inp: LineInput): LinePlan | null {
  if (story.includes('/')) {
    const [target, variant] = story.split('/') as [ShipTarget, ShipVariant]
    return shipStory(target, variant, inp)
  }
  if (story.startsWith('split_')) return splitStory(story as SplitKind, inp)
  return SIMPLE[story as keyof typeof SIMPLE](inp)
}
