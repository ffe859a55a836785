/** The words the customer pages use for states, ETA sources and prices. */
import type { LineState, EtaSource } from '../../../domain/types.ts'
import { formatMoney } from '../render.ts'

export const STATE_WORDS: Record<LineState, string> = {
  processing: 'Being prepared',
  delayed: 'Running late',
  backordered: 'Backordered',
  restocked: 'Back in stock',
  unavailable: 'Unavailable',
  in_transit: 'On its way',
  out_for_delivery: 'Out for delivery',
  delivered: 'Delivered',
  exception: 'Delivery problem',
  cancelled: 'Cancelled',
}

/** Badge colour group: attention (red), waiting (amber), moving (blue), done (green), neutral. */
export const STATE_TONE: Record<LineState, 'bad' | 'wait' | 'go' | 'done' | 'plain'> = {
  processing: 'plain', delayed: 'wait', backordered: 'bad', restocked: 'go', unavailable: 'bad',
  in_transit: 'go', out_for_delivery: 'go', delivered: 'done', exception: 'bad', cancelled: 'plain',
}

export const ETA_SOURCE_WORDS: Record<EtaSource, string> = {
  carrier: "the carrier's estimate",
  supplier: 'the ship date we were given for your item, plus shipping time',
  promise: 'our usual preparation and shipping time',
  history: 'how long past restocks of this item took (an estimate)',
}

/** "Same price", "$12.00 more each", "$5.00 less each". */
export function priceWords(delta: number): string {
  if (Math.abs(delta) < 0.005) return 'Same price'
  return `${formatMoney(Math.abs(delta))} ${delta > 0 ? 'more' : 'less'} each`
}

export function soonerWords(days: number | null): string | null {
  if (days === null || days <= 0) return null
  return `${days} ${days === 1 ? 'day' : 'days'} sooner`
}
