/** The plain-text email and the SMS of a customer message. */
import { formatDay } from '../domain/text.ts'
import { lineSentences, type MessageModel } from './message-model.ts'

/** The text part of the email: every line in plain words, its tracking and choice links, and how to reach the store. */
export function renderText(m: MessageModel): string {
  const out = [`Hello${m.customerName ? ` ${m.customerName}` : ''},`, '', `An update on your order ${m.orderNumber}, placed ${formatDay(m.placedAt.toISOString().slice(0, 10))}:`, '']
  for (const l of m.lines) {
    out.push(`* ${l.name} (x${l.qty})`)
    for (const s of lineSentences(l, m.store)) out.push(`  ${s}`)
    for (const t of l.tracking) out.push(`  Track ${t.carrier ?? 'the parcel'} ${t.number}${t.url ? `: ${t.url}` : ''}`)
    for (const c of l.choices) out.push(`  ${c.label}: ${c.url}`)
    out.push('')
  }
  out.push(`See your order: ${m.orderUrl}`)
  out.push(`Questions? Call ${m.store.name} free at ${m.store.phone}, or write to ${m.store.supportEmail}.`)
  if (m.unsubscribeUrl) out.push('', `To stop optional updates by email: ${m.unsubscribeUrl}`)
  out.push('', `— ${m.store.name}`)
  return out.join('\n')
}

const SMS_LIMIT = 320

/** The SMS: one short sentence per trigger, the order link and STOP; always under 320 characters. */
export function renderSms(m: MessageModel): string {
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
  const what = m.triggers.map((t) => words[t]).join('; ')
  const full = `${m.store.name}: order ${m.orderNumber}: ${what}. Options, cancel for a refund: ${m.orderUrl} Help ${m.store.phone}. Reply STOP to opt out.`
  if (full.length <= SMS_LIMIT) return full
  const short = `${m.store.name}: news on order ${m.orderNumber}. ${m.orderUrl} Help ${m.store.phone}. STOP to opt out.`
  return short.slice(0, SMS_LIMIT)
}
