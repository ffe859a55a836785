/** The plain-text email and the SMS of a customer message. */
import { formatDay } from '../domain/text.ts'
import { alternativeWords, lineSentences, type MessageLine, type MessageModel } from './message-model.ts'

/** The text part of the email: every line in plain words, its tracking and choice links, and how to reach the store. */
export function renderText(m: MessageModel): string {
  const out = [`Hello${m.customerName ? ` ${m.customerName}` : ''},`, '', `An update on your order ${m.orderNumber}, placed ${formatDay(m.placedOn)}:`, '']
  for (const l of m.lines) {
    out.push(`* ${l.name} (x${l.qty})`)
    for (const s of lineSentences(l, m.store)) out.push(`  ${s}`)
    for (const t of l.tracking) out.push(`  Track ${t.carrier ?? 'the parcel'} ${t.number}${t.url ? `: ${t.url}` : ''}`)
    if (l.alternatives.length > 0) out.push('  Alternatives:', ...l.alternatives.map((a) => `  - ${alternativeWords(a)}`))
    // Short links: a long signed URL wraps and breaks in plain-text mail (short-link.ts).
    for (const c of l.choices) out.push(`  ${c.label}: ${c.shortUrl ?? c.url}`)
    out.push('')
  }
  out.push(`See your order: ${m.orderUrl}`)
  out.push(`Questions? Call ${m.store.name} free at ${m.store.phone}, or write to ${m.store.supportEmail}.`)
  if (m.unsubscribeUrl) out.push('', `To stop optional updates by email: ${m.unsubscribeUrl}`)
  out.push('', `— ${m.store.name}`)
  return out.join('\n')
}

const SMS_LIMIT = 320

/** A text message, and whether it carries every delay notice of its message in full. */
export interface SmsText {
  body: string
  /** True only when the text itself is the complete notice (DESIGN.md: otherwise it is a pointer to it). */
  complete: boolean
}

const SMS_STATE: Partial<Record<string, string>> = {
  backordered: 'is backordered', unavailable: 'cannot be supplied', delayed: 'is running late', processing: 'is running late', restocked: 'is running late',
}

/** One notice line in the fewest words that still say all the law asks (mirrors noticeSentences). */
function smsNotice(l: MessageLine): string {
  const n = l.notice!
  const out = [`${l.name} ${SMS_STATE[l.state] ?? 'is running late'}.`]
  out.push(n.revisedDate ? `We now expect to ship it ${formatDay(n.revisedDate)}.` : 'We do not know yet when it will ship.')
  if (l.reason) out.push(`Reason: ${l.reason}.`)
  if (n.silence === 'consent') out.push('If that works, you need do nothing.')
  else out.push(`Unless you tell us by the end of ${formatDay(n.cancelOn!)} that you will wait, we will cancel it and refund you in full.`)
  if (n.kind === 'first' && (n.revisedDate === null || n.silence === 'cancel')) out.push('If you agree to wait, you may still cancel any time before it ships.')
  return out.join(' ')
}

/**
 * The whole notice as a text, or null when it cannot be one: every notice line's terms, the
 * right to cancel for a full, prompt refund, and how to answer free (the order page and the
 * store's toll-free number), within 320 characters. Other news of the message is named briefly.
 */
function completeSms(m: MessageModel, what: (l: MessageLine) => string): string | null {
  const notices = m.lines.filter((l) => l.notice)
  if (notices.length === 0) return null
  const others = m.lines.filter((l) => !l.notice).map((l) => `${l.name}: ${what(l)}.`)
  const body = [`${m.store.name}, order ${m.orderNumber}:`, ...notices.map(smsNotice), ...others,
    'You may cancel now for a full, prompt refund.', `To answer, free: ${m.orderUrl} or call ${m.store.phone}.`, 'STOP to opt out.'].join(' ')
  return body.length <= SMS_LIMIT ? body : null
}

/**
 * The SMS: the complete delay notice when it fits, else one short sentence per trigger with the
 * order link (a pointer to the full notice, recorded as incomplete); always under 320 characters.
 */
export function renderSms(m: MessageModel): SmsText {
  const words: Record<string, string> = {
    cancelled: 'an item was cancelled, full refund coming',
    unavailable: 'an item cannot be supplied; switch it by the link or it will be cancelled and refunded',
    renewed_delay: 'a new delay; reply by the link or it will be cancelled and refunded',
    backordered: 'an item is backordered',
    delayed: 'your order is delayed',
    exception: 'a delivery problem',
    switched: 'your item is switched as you chose',
    eta_slipped: 'it will arrive later than we said',
    restocked: 'back in stock',
    shipped: 'it has shipped',
  }
  const full = completeSms(m, (l) => l.triggers.map((t) => words[t]).join('; '))
  if (full) return { body: full, complete: true }
  const what = m.triggers.map((t) => words[t]).join('; ')
  const pointer = `${m.store.name}: order ${m.orderNumber}: ${what}. Options, cancel for a refund: ${m.orderUrl} Help ${m.store.phone}. Reply STOP to opt out.`
  if (pointer.length <= SMS_LIMIT) return { body: pointer, complete: false }
  const short = `${m.store.name}: news on order ${m.orderNumber}. ${m.orderUrl} Help ${m.store.phone}. STOP to opt out.`
  return { body: short.slice(0, SMS_LIMIT), complete: false }
}
