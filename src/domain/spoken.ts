/**
 * What wismo says on the phone and in a text: the customer's view of an order turned into short
 * sentences a text-to-speech voice reads well. Pure. Dates are spoken as dates ("Tuesday,
 * December 8"), never as digits; nothing here ever names a supplier, a PO or a cost, because the
 * input is the customer's view, which has none.
 */
import { formatDay, plural } from './text.ts'
import type { Eta, IsoDate, LineState } from './types.ts'

/** The fields of one line of the customer's view that speech needs. */
export interface SpokenLine {
  lineNo: number
  name: string
  qty: number
  state: LineState
  explanation: string
  eta: Eta | null
  alternatives: SpokenAlternative[]
}

export interface SpokenAlternative {
  /** `other_supplier`: the caller's own item from another supplier, said as such. */
  kind?: 'other_supplier' | 'variant' | 'equivalent'
  sku: string
  name: string
  eta: IsoDate | null
  daysSooner: number | null
  priceDelta: number
}

export interface SpokenOrder {
  orderNumber: string
  headline: string
  lines: SpokenLine[]
}

/** "W 3 0 0 1": an order number read out character by character, so a voice does not say "three thousand". */
export function spellOut(text: string): string {
  return [...text.replace(/\s+/g, '')].join(' ')
}

/** "Tuesday, December 8". */
export function spokenDay(day: IsoDate): string {
  return formatDay(day)
}

/** "It should arrive between Monday, December 7 and Wednesday, December 9." or the unknown case. */
export function spokenEta(eta: Eta | null, qty: number): string {
  const it = plural(qty, 'It', 'They')
  if (!eta) return `We don't have a delivery date for ${plural(qty, 'it', 'them')} yet.`
  if (eta.earliest === eta.latest) return `${it} should arrive by ${spokenDay(eta.latest)}.`
  return `${it} should arrive between ${spokenDay(eta.earliest)} and ${spokenDay(eta.latest)}.`
}

const FINISHED: readonly LineState[] = ['delivered', 'cancelled']

/** One line as spoken: what it is, its state in the view's own words, and when it arrives. */
export function spokenLine(line: SpokenLine): string {
  const what = `${line.qty > 1 ? `${line.qty} of ` : ''}${line.name}`
  // The explanation already carries the arrival window when there is one; only add the unknown case.
  const eta = FINISHED.includes(line.state) || /arrive/.test(line.explanation) ? '' : ` ${spokenEta(line.eta, line.qty)}`
  return `${what}. ${line.explanation}${eta}`
}

/** The whole order: headline, then each line. */
export function spokenOrder(order: SpokenOrder): string[] {
  const intro = `Order ${spellOut(order.orderNumber)}. ${order.headline}`
  return [intro, ...order.lines.map((l, i) => `${order.lines.length > 1 ? `Item ${i + 1}: ` : ''}${spokenLine(l)}`)]
}

/** "$3.50 more per item" / "$2.00 less per item" / "the same price". */
export function spokenPriceDelta(delta: number): string {
  if (Math.abs(delta) < 0.005) return 'the same price'
  const amount = `${Math.abs(delta).toFixed(2)} dollars`
  return delta > 0 ? `${amount} more per item` : `${amount} less per item`
}

/** One alternative offered by keypad: "Press 1 for Red Widget, arriving …, 12 days sooner, the same price." */
export function spokenAlternative(alt: SpokenAlternative, key: number): string {
  const when = alt.eta ? `arriving by ${spokenDay(alt.eta)}` : 'with no delivery date yet'
  const sooner = alt.daysSooner && alt.daysSooner > 0 ? `, ${alt.daysSooner} ${plural(alt.daysSooner, 'day', 'days')} sooner` : ''
  return `Press ${key} for ${spokenAlternativeName(alt)}, ${when}${sooner}, at ${spokenPriceDelta(alt.priceDelta)}.`
}

/** The alternative as said: the same item from another supplier is not a switch to its own name. */
export function spokenAlternativeName(alt: SpokenAlternative): string {
  return alt.kind === 'other_supplier' ? `the same item, ${alt.name}, from stock we found elsewhere` : alt.name
}

/**
 * The options menu for a line the customer can decide about. The keys never move (1 wait, 2 cancel,
 * 3 alternatives); an option the line does not take — a wait for an item nobody can supply — is not said.
 */
export function spokenChoiceMenu(line: SpokenLine, offer: { wait: boolean; switch: boolean }): string {
  return [
    offer.wait ? `For ${line.name}: press 1 to wait for it.` : `${line.name} can no longer be supplied.`,
    `${offer.wait ? 'Press' : `For ${line.name}: press`} 2 to cancel this item for a full refund.`,
    offer.switch ? 'Press 3 to hear sooner alternatives and switch.' : null,
    'Press 0 to speak with a representative.',
  ].filter(Boolean).join(' ')
}

/** The order's status as one text message body, cut to fit `limit` characters with the link kept whole. */
export function textStatus(order: SpokenOrder, link: string, limit = 320): string {
  const parts = order.lines.map((l) => `${l.name}: ${shortState(l)}`)
  const head = `Order ${order.orderNumber}: ${order.headline}`
  const tailText = ` Details: ${link}`
  let body = [head, ...parts].join(' ')
  const room = limit - tailText.length
  if (body.length > room) body = `${body.slice(0, Math.max(0, room - 1)).trimEnd()}…`
  return `${body}${tailText}`
}

const STATE_WORDS: Record<LineState, string> = {
  processing: 'being prepared',
  delayed: 'running late',
  backordered: 'backordered',
  restocked: 'back in stock',
  unavailable: 'unavailable',
  in_transit: 'shipped',
  out_for_delivery: 'out for delivery',
  delivered: 'delivered',
  exception: 'delivery problem',
  cancelled: 'cancelled',
}

function shortState(l: SpokenLine): string {
  const words = STATE_WORDS[l.state]
  if (FINISHED.includes(l.state)) return `${words}.`
  if (!l.eta) return `${words}, date unknown.`
  return `${words}, arriving by ${shortDay(l.eta.latest)}.`
}

const SHORT_DAY = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' })

/** "Dec 8". */
export function shortDay(day: IsoDate): string {
  return SHORT_DAY.format(new Date(`${day}T00:00:00Z`))
}
