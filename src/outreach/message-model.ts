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
}

export interface ChoiceLink {
  label: string
  url: string
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

const SUBJECTS: Record<Trigger, (n: string) => string> = {
  cancelled: (n) => `Order ${n}: an item was cancelled and will be refunded`,
  renewed_delay: (n) => `Order ${n}: a new delay — please tell us if you want to wait`,
  backordered: (n) => `Order ${n}: an item is backordered — your options`,
  delayed: (n) => `Order ${n} is delayed — your options`,
  exception: (n) => `Order ${n}: a problem with the delivery`,
  eta_slipped: (n) => `Order ${n} will arrive later than we said`,
  restocked: (n) => `Good news: order ${n} is back in stock`,
  shipped: (n) => `Order ${n} has shipped`,
}

/** The subject for the message's first (most important) trigger. */
export function subjectFor(orderNumber: string, triggers: Trigger[]): string {
  return triggers.length > 0 ? SUBJECTS[triggers[0]](orderNumber) : `An update on order ${orderNumber}`
}

/** The sentences the law asks a delay option notice to say about one line. */
export function noticeSentences(l: MessageLine, store: StoreDetails): string[] {
  const n = l.notice
  if (!n) return []
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
  const out = [l.explanation]
  if (l.cancelled) {
    const when = l.cancelled.refundDue ? ` by ${formatDay(l.cancelled.refundDue)}` : ''
    const why = CANCEL_WHY[l.cancelled.reason] ?? ''
    out.push(`We cancelled ${l.cancelled.qty} of this item${why}; you will get a full refund${when}.`)
  }
  out.push(...noticeSentences(l, store))
  if (!l.notice && !l.cancelled && l.state !== 'cancelled') out.push(l.eta ? `It should arrive ${formatWindow(l.eta)}.` : 'When it will arrive is not known yet.')
  return out
}
