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

/** What wismo knows of a line when it asks whether the customer may answer. */
export interface AnswerableLine {
  state: LineState
  /** Units neither shipped nor cancelled. */
  openQty: number
  /** A delay notice was sent for the line as it is now (since its latest switch). */
  noticed: boolean
}

/** The answers a line takes now; `switch` only with a current alternative. */
export interface LineOffer {
  wait: boolean
  cancel: boolean
  switch: boolean
}

const LATE: readonly LineState[] = ['backordered', 'unavailable', 'delayed']
const UNSHIPPED: readonly LineState[] = ['processing', 'restocked', ...LATE]

/**
 * A line can be decided on while backordered, unavailable or delayed, and — once the customer was
 * sent a delay notice — in any state until it ships (restocked, processing, …): the customer's
 * answer to a notice is always taken (DESIGN.md "The law on delays"; 16 CFR 435.2(b)(1)).
 */
export function isDecidable(l: AnswerableLine): boolean {
  return l.openQty > 0 && (LATE.includes(l.state) || (l.noticed && UNSHIPPED.includes(l.state)))
}

/** A line nobody can supply takes no wait: waiting would bring nothing, and wismo would cancel it anyway. */
export const canWait = (l: AnswerableLine): boolean => isDecidable(l) && l.state !== 'unavailable'

/** What the page, the phone and the messages offer for a line. */
export function offeredChoices(l: AnswerableLine & { alternatives: number }): LineOffer {
  const open = isDecidable(l)
  return { wait: canWait(l), cancel: open, switch: open && l.alternatives > 0 }
}

export function assertDecidable(lineNo: number, l: AnswerableLine): void {
  if (isDecidable(l)) return
  const why = l.openQty > 0 && UNSHIPPED.includes(l.state)
    ? 'there is no delay to answer: only a backordered, unavailable or delayed line, or one we sent a delay notice for, can be decided on'
    : 'only a backordered, unavailable or delayed line can be decided on'
  throw new DomainError('CHOICE_LINE_NOT_ELIGIBLE', `line ${lineNo} is ${l.state.replace(/_/g, ' ')}: ${why}`)
}

export function assertWaitAllowed(lineNo: number, l: AnswerableLine): void {
  if (canWait(l)) return
  throw new DomainError(
    'CHOICE_WAIT_UNAVAILABLE',
    `line ${lineNo} cannot be supplied (the supplier cannot provide it), so waiting would not bring it: switch to one of its alternatives or cancel it for a full refund`,
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
