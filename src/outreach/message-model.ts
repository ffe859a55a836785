/**
 * What one customer message says, as data: built from an order's plan and its lines' statuses,
 * then rendered as email text, email HTML (react-email), SMS and a retailer webhook payload.
 */
import type { Eta, IsoDate, LineState } from '../domain/types.ts'
import type { NoticeDraft } from '../domain/delay-notice.ts'
import type { Trigger } from '../domain/outreach-policy.ts'
import { formatDay, formatWindow } from '../domain/text.ts'

export interface StoreDetails {
  name: string
  phone: string
  supportEmail: string
  publicUrl: string
  /** The store's logo (WISMO_STORE_LOGO_URL, https), shown atop emails; its alt text is the store's name. */
  logoUrl?: string
}

/** One answer a line takes, as one button: the line's signed link with that answer's panel pre-opened. */
export interface ChoiceLink {
  label: string
  url: string
  /** What the link opens on the order page: `wait`, `cancel`, or an alternative's SKU. */
  pick?: string
  /** The same link, short, for the text part (`/l/{code}`); stored until `expiresAt`. */
  shortUrl?: string
  /** When the token inside `url` expires. */
  expiresAt?: Date
}

/** An alternative the line is offered: when it would arrive and what it costs per item more (+) or less (−). */
export interface MessageAlternative {
  sku: string
  name: string
  eta: IsoDate
  priceDelta: number
}

export interface MessageLine {
  lineNo: number
  sku: string
  name: string
  qty: number
  state: LineState
  triggers: Trigger[]
  /** The line's state in plain words (the status explanation). */
  explanation: string
  eta: Eta | null
  tracking: { carrier: string | null; number: string; url: string | null }[]
  notice: NoticeDraft | null
  /** Why the line is late, for a notice with no date or a date more than 30 days out. */
  reason: string | null
  cancelled: { qty: number; refundDue: IsoDate | null; reason: string } | null
  /** The switch this message confirms (trigger `switched`): what the line was before. */
  switched: { fromName: string; priceDelta: number; absorbed: boolean; byRep: boolean } | null
  /** The alternatives of a line that takes choices (empty otherwise). */
  alternatives: MessageAlternative[]
  choices: ChoiceLink[]
}

export interface MessageModel {
  store: StoreDetails
  customerName: string | null
  orderNumber: string
  placedAt: Date
  /** The day the order was placed, in the store's zone (what the customer saw on the receipt). */
  placedOn: IsoDate
  triggers: Trigger[]
  subject: string
  lines: MessageLine[]
  orderUrl: string
  unsubscribeUrl: string | null
  required: boolean
}

/**
 * The subject of each trigger. It must agree with the body (lineSentences): "delayed" never heads
 * "can no longer be supplied" and the reverse (test/outreach/subject-body.test.ts), and "your
 * options" only heads a message that offers some (`options`).
 */
const SUBJECTS: Record<Trigger, (n: string, switchedTo: string | null, sameItem: boolean, options: string) => string> = {
  cancelled: (n) => `Order ${n}: an item was cancelled and will be refunded`,
  unavailable: (n, _s, _same, o) => `Order ${n}: an item can no longer be supplied${o}`,
  renewed_delay: (n) => `Order ${n}: a new delay — please tell us if you want to wait`,
  backordered: (n, _s, _same, o) => `Order ${n}: an item is backordered${o}`,
  delayed: (n, _s, _same, o) => `Order ${n} is delayed${o}`,
  exception: (n) => `Order ${n}: a problem with the delivery`,
  switched: (n, to, same) => (same ? `Order ${n}: we found your item elsewhere` : to ? `Order ${n}: your item is now ${to}` : `Order ${n}: your items are switched as you chose`),
  eta_slipped: (n) => `Order ${n} will arrive later than we said`,
  restocked: (n) => `Good news: order ${n} is back in stock`,
  shipped: (n) => `Order ${n} has shipped`,
}

/**
 * The subject for the message's first (most important) trigger; `switchedTo` names the one item
 * switched, if one; `sameItem` when that is the same item from stock found elsewhere (not "now X");
 * `hasOptions`: some line of the message offers the customer choices.
 */
export function subjectFor(orderNumber: string, triggers: Trigger[], switchedTo: string | null = null, sameItem = false, hasOptions = true): string {
  return triggers.length > 0 ? SUBJECTS[triggers[0]](orderNumber, switchedTo, sameItem, hasOptions ? ' — your options' : '') : `An update on order ${orderNumber}`
}

/** The notice for a line the supplier cannot supply: alternatives or a refund, never a wait (16 CFR 435.2(c)(5)). */
function unavailableSentences(n: NoticeDraft, store: StoreDetails): string[] {
  const by = n.cancelOn ? ` by the end of ${formatDay(n.cancelOn)}` : ''
  return [
    'The supplier told us it cannot supply this item, so we cannot ship it.',
    `You may switch to one of the alternatives below${by}; otherwise we will cancel this item and give you a full refund.`,
    `You may also cancel it now and get a full, prompt refund. Answering costs you nothing: use the links below, or call us free at ${store.phone}.`,
  ]
}

/** The confirmation of a switch: the new item (the line's name now), what it costs, who recorded it. */
function switchSentences(l: MessageLine): string[] {
  const s = l.switched
  if (!s || !l.triggers.includes('switched')) return []
  const out = [s.fromName === l.name
    ? `Your item is now ${l.name} from stock we found elsewhere, as you chose.`
    : `Your item is now ${l.name}, as you chose (instead of ${s.fromName}).`]
  if (s.byRep) out.push('Recorded by our customer service team at your request.')
  const per = `${Math.abs(s.priceDelta).toFixed(2)} per item`
  if (s.priceDelta < 0) out.push(`It costs ${per} less: we are refunding you the difference.`)
  else if (s.priceDelta > 0) out.push(s.absorbed ? 'It costs a little more, but you pay the price you paid before.' : `As you agreed, it costs ${per} more.`)
  return out
}

/** An alternative in words: when it would arrive and what it costs against the item ordered. */
export function alternativeWords(a: MessageAlternative): string {
  const per = `$${Math.abs(a.priceDelta).toFixed(2)}`
  const price = a.priceDelta > 0 ? `costs ${per} more per item` : a.priceDelta < 0 ? `costs ${per} less per item` : 'same price'
  return `${a.name}: arrives by ${formatDay(a.eta)}, ${price}`
}

/** The sentences the law asks a delay option notice to say about one line. */
export function noticeSentences(l: MessageLine, store: StoreDetails): string[] {
  const n = l.notice
  if (!n) return []
  if (l.state === 'unavailable') return unavailableSentences(n, store)
  const out: string[] = []
  out.push(n.revisedDate ? `We now expect to ship it on ${formatDay(n.revisedDate)}.` : 'We do not know yet when it will ship.')
  if (l.reason) out.push(`The reason: ${l.reason}.`)
  if (n.silence === 'consent') {
    out.push('If that date works for you, you need do nothing: we will keep your order and ship it then.')
  } else {
    const by = n.cancelOn ? ` by the end of ${formatDay(n.cancelOn)}` : ''
    out.push(`Unless you tell us${by} that you want to wait, we will cancel this item and give you a full refund if it has not shipped by then.`)
  }
  if (n.kind === 'first' && (n.revisedDate === null || n.silence === 'cancel')) {
    out.push('If you agree to wait, you may still cancel at any time before it ships.')
  }
  out.push(`You may cancel this item now and get a full, prompt refund. Answering costs you nothing: use the links below, or call us free at ${store.phone}.`)
  return out
}

/** Why wismo cancelled a line, in the customer's words (the reasons of domain/delay-notice.ts). */
const CANCEL_WHY: Record<string, string> = {
  no_consent: ' because we did not hear that you wanted to wait',
  rejected: ' because the supplier cannot supply it',
  no_notice: ' because it could not ship on time and we could not ask you in time whether you wanted to wait',
}

/** A line in plain words: what happened, when it will arrive, and what the customer may do. */
export function lineSentences(l: MessageLine, store: StoreDetails): string[] {
  const out = [...switchSentences(l), ...(l.explanation ? [l.explanation] : [])]
  if (l.cancelled) {
    const when = l.cancelled.refundDue ? ` by ${formatDay(l.cancelled.refundDue)}` : ''
    const why = CANCEL_WHY[l.cancelled.reason] ?? ''
    out.push(`We cancelled ${l.cancelled.qty} of this item${why}; you will get a full refund${when}.`)
  }
  out.push(...noticeSentences(l, store))
  // The explanation often gives the arrival already; say it once.
  const saysArrival = /\barriv/.test(l.explanation)
  if (!l.notice && !l.cancelled && l.state !== 'cancelled' && !saysArrival) out.push(l.eta ? `It should arrive ${formatWindow(l.eta)}.` : 'When it will arrive is not known yet.')
  return out
}
