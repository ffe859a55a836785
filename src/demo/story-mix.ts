/**
 * How likely each story is for a line, by how long ago it was ordered: young lines are mostly
 * still being prepared, week-old ones are on their way, and old ones mostly delivered — with
 * the backorders, cancellations and carrier trouble a real retailer sees along the way.
 */
import type { Story } from './stories.ts'

export type Phase = 'young' | 'week' | 'old'

export const MIX: Record<Phase, Partial<Record<Story, number>>> = {
  young: {
    processing: 66, bo_stock: 4, bo_dated: 5, bo_unknown: 3, restocked: 1.5, unavailable: 1.5, cancelled: 1.5,
    split_wait: 2, 'in_transit/ontime': 10, 'out_for_delivery/ontime': 2, 'delivered/ontime': 1.5, 'exception/ontime': 0.5,
  },
  week: {
    delayed: 8, bo_dated: 5, bo_unknown: 4, restocked: 4, unavailable: 2, cancelled: 3,
    split_wait: 3, split_restock: 1.5, split_shipped: 1.5,
    'in_transit/late': 10, 'in_transit/ontime': 8, 'in_transit/backorder': 4,
    'out_for_delivery/ontime': 3, 'out_for_delivery/late': 2, 'out_for_delivery/backorder': 1,
    'delivered/ontime': 25, 'delivered/late': 5, 'delivered/backorder': 2, 'exception/ontime': 2, 'exception/late': 1,
  },
  old: {
    'delivered/ontime': 60, 'delivered/late': 10, 'delivered/backorder': 6, bo_long: 2.5, bo_dated: 1, bo_unknown: 1.5,
    restocked: 1, delayed: 0.7, unavailable: 2, cancelled: 6, split_wait: 1.5, split_shipped: 2,
    'in_transit/backorder': 1.5, 'in_transit/late': 1, 'exception/ontime': 1, 'out_for_delivery/backorder': 0.5,
  },
}

/** When a story cannot be told for a line, these are tried in turn; `silent` always can. */
export const FALLBACK: Record<Phase, Story[]> = {
  young: ['processing', 'silent'],
  week: ['delivered/ontime', 'in_transit/ontime', 'delayed', 'processing', 'silent'],
  old: ['delivered/ontime', 'delivered/late', 'delayed', 'silent'],
}

/** Business days since the order: within a typical promise, within two weeks, or older. */
export function phaseOf(businessDaysOld: number): Phase {
  return businessDaysOld <= 3 ? 'young' : businessDaysOld <= 10 ? 'week' : 'old'
}
