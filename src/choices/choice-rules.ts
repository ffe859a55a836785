/**
 * The customer's choice, as rules: which lines can be decided, and what a switch costs the
 * customer under the absorb policy. Pure.
 */
import { DomainError } from '../domain/errors.ts'
import type { Alternative } from '../domain/alternatives.ts'
import type { LineState } from '../domain/types.ts'

export const CHOICES = ['wait', 'cancel', 'switch'] as const
export type Choice = (typeof CHOICES)[number]
export const CHOICE_CHANNELS = ['link', 'page', 'cli', 'console', 'voice', 'sms'] as const
export type ChoiceChannel = (typeof CHOICE_CHANNELS)[number]

/** A line can be decided on while backordered, unavailable or delayed, with units still to come. */
export function assertDecidable(lineNo: number, state: LineState, openQty: number): void {
  if ((state === 'backordered' || state === 'unavailable' || state === 'delayed') && openQty > 0) return
  throw new DomainError(
    'CHOICE_LINE_NOT_ELIGIBLE',
    `line ${lineNo} is ${state.replace(/_/g, ' ')}: only a backordered, unavailable or delayed line can be decided on`,
  )
}

export function assertChoice(choice: string, sku: string | null | undefined): asserts choice is Choice {
  if (!(CHOICES as readonly string[]).includes(choice)) {
    throw new DomainError('CHOICE_INVALID', `choice "${choice}": expected wait, cancel or switch`)
  }
  if (choice === 'switch' && !sku) throw new DomainError('CHOICE_SKU_REQUIRED', 'switch needs the SKU of one of the line\'s alternatives')
  if (choice !== 'switch' && sku) throw new DomainError('CHOICE_SKU_UNEXPECTED', `${choice} takes no SKU (only switch does)`)
}

export interface PricePlan {
  /** Per unit, what the customer pays from now on. */
  unitPrice: number | null
  /** Per unit, refunded to the customer (a cheaper alternative). */
  refundPerUnit: number
  /** True when the retailer absorbs a dearer alternative's difference. */
  absorbed: boolean
}

/**
 * What a switch means for the price: cheaper — the difference is refunded; dearer within the
 * absorb percent — the retailer absorbs it; dearer beyond — only with the customer's confirmation
 * (CHOICE_PRICE_CONFIRMATION_REQUIRED otherwise), and the customer pays the new price.
 */
export function planPrice(alt: Alternative, unitPrice: number | null, absorbPercent: number, acceptPrice: boolean): PricePlan {
  if (unitPrice === null || alt.priceDelta === 0) return { unitPrice, refundPerUnit: 0, absorbed: false }
  if (alt.priceDelta < 0) return { unitPrice: round(unitPrice + alt.priceDelta), refundPerUnit: -alt.priceDelta, absorbed: false }
  const withinAbsorb = unitPrice > 0 && (alt.priceDelta / unitPrice) * 100 <= absorbPercent + 1e-9
  if (withinAbsorb) return { unitPrice, refundPerUnit: 0, absorbed: true }
  if (!acceptPrice) {
    throw new DomainError(
      'CHOICE_PRICE_CONFIRMATION_REQUIRED',
      `${alt.sku} costs ${alt.priceDelta.toFixed(2)} more per unit; the customer must confirm the difference (acceptPrice / --accept-price)`,
    )
  }
  return { unitPrice: round(unitPrice + alt.priceDelta), refundPerUnit: 0, absorbed: false }
}

const round = (n: number) => Math.round(n * 100) / 100
