/**
 * A text to the store's number (Twilio's messaging webhook). Every text is stored before it is
 * acted on, keyed by its MessageSid: a replay gets the stored reply and changes nothing.
 *
 * - STOP (and the other opt-out words US carriers require) sets the customer's SMS opt-out that
 *   outreach honours; START / UNSTOP / YES undoes it; HELP / INFO answers who we are.
 * - WAIT or CANCEL followed by the postal code (or email) answers the latest delay notice texted to
 *   this number: the choice is recorded for that notice's lines (the FTC rule's "means to respond").
 *   The From number only finds the notice; it proves nothing (it can be spoofed), so a bare WAIT or
 *   CANCEL is answered with how to add the postal code, and changes nothing. A bare CANCEL with no
 *   such notice is the carriers' opt-out word and is read as STOP.
 * - Anything else is read as an order number and postal code: the status, under 320 characters,
 *   with the page link.
 */
import type { Queryable } from '../store/db.ts'
import { textStatus } from '../domain/spoken.ts'
import type { OrderStatusView } from '../status/order-status.ts'
import { PHONE_KEY_SQL, phoneKey } from './phone.ts'

const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'CANCEL'])
const OPT_IN = new Set(['START', 'UNSTOP', 'YES'])
const HELP = new Set(['HELP', 'INFO'])

export type SmsAction = 'status' | 'wait' | 'cancel' | 'stop' | 'start' | 'help' | 'unknown' | 'not_found' | 'proof_needed'

export interface SmsRequest {
  messageSid: string
  from: string
  body: string
  params: Record<string, string>
}

export interface SmsServices {
  db: Queryable
  now: Date
  store: { name: string; phone: string; email: string }
  /** Link to the order's page. */
  orderUrl(orderNumber: string): string
  /** The order a text names with a proof (postal code or email), through the shared failed-proof limits. */
  findProvenOrder(candidates: string[], proof: string): Promise<{ orderId: number; orderNumber: string } | null>
  /** True when the proof (postal code or email) is this order's, through the same limits. */
  checkProof(orderNumber: string, proof: string): Promise<boolean>
  view(orderNumber: string): Promise<OrderStatusView | null>
  /** Records a choice for one line as the customer, channel sms; the reason when refused. */
  choose(orderNumber: string, lineNo: number, choice: 'wait' | 'cancel'): Promise<{ ok: true } | { ok: false; reason: string }>
  countContact(messageSid: string, orderId: number | null, outcome: 'deflected' | 'rep_task'): Promise<void>
}

/** Answers one text: the reply's text (or null for none), stored with the text. */
export async function answerText(s: SmsServices, req: SmsRequest): Promise<string | null> {
  const stored = await s.db.query<{ reply: string | null; action: string | null }>(
    `INSERT INTO sms_inbound (message_sid, from_number, body, params, received_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (message_sid) DO NOTHING RETURNING reply, action`,
    [req.messageSid, req.from, req.body, JSON.stringify(req.params), s.now],
  )
  if (stored.length === 0) {
    const [prior] = await s.db.query<{ reply: string | null }>('SELECT reply FROM sms_inbound WHERE message_sid = $1', [req.messageSid])
    return prior?.reply ?? null
  }
  const { action, reply, orderId } = await decide(s, req)
  await s.db.query('UPDATE sms_inbound SET action = $2, reply = $3, order_id = $4 WHERE message_sid = $1', [req.messageSid, action, reply, orderId])
  return reply
}

async function decide(s: SmsServices, req: SmsRequest): Promise<{ action: SmsAction; reply: string | null; orderId: number | null }> {
  const words = req.body.trim().toUpperCase().replace(/[^A-Z0-9 -]/g, ' ').split(/\s+/).filter(Boolean)
  const only = words.length === 1 ? words[0] : null
  const answer = words[0] === 'WAIT' || words[0] === 'CANCEL' ? (words[0] === 'WAIT' ? 'wait' : 'cancel') : null
  // "CANCEL 30301", or a postal code in two words ("WAIT K1A 0B6").
  if (answer && words.length <= 3) {
    const notice = await latestNotice(s, req.from)
    if (notice) return answerNotice(s, req, notice, answer, words.slice(1).join('') || null)
    if (answer === 'wait' || words.length > 1) {
      return { action: 'unknown', orderId: null, reply: `${s.store.name}: we found no recent delay notice for this number. Text your order number and postal code, or call ${s.store.phone}.` }
    }
  }
  if (only && OPT_OUT.has(only)) {
    await setOptOut(s.db, req.from, s.now)
    return { action: 'stop', orderId: null, reply: `${s.store.name}: you are unsubscribed and will receive no more texts from us. Reply START to resubscribe.` }
  }
  if (only && OPT_IN.has(only)) {
    await setOptOut(s.db, req.from, null)
    return { action: 'start', orderId: null, reply: `${s.store.name}: you are subscribed again to order texts. Reply HELP for help, STOP to opt out.` }
  }
  if (only && HELP.has(only)) {
    return {
      action: 'help', orderId: null,
      reply: `${s.store.name} order updates. Help: ${s.store.phone} or ${s.store.email}. Text your order number and postal code for its status. Msg&data rates may apply. Reply STOP to opt out.`,
    }
  }
  return statusByText(s, req, words)
}

async function statusByText(s: SmsServices, req: SmsRequest, words: string[]): Promise<{ action: SmsAction; reply: string; orderId: number | null }> {
  const help = `Text your order number and the postal code of the shipping address, e.g. "W1234 10001", or call ${s.store.phone}.`
  if (words.length < 2) return { action: 'unknown', orderId: null, reply: `${s.store.name}: ${help}` }
  // The proof is the last word; the order number is one of the others (people add words like "order").
  const proof = words[words.length - 1]
  const candidates = words.slice(0, -1).filter((w) => /\d/.test(w)).slice(0, 3)
  const found = candidates.length ? await s.findProvenOrder(candidates, proof) : null
  const view = found ? await s.view(found.orderNumber) : null
  if (!found || !view) return { action: 'not_found', orderId: null, reply: `${s.store.name}: we couldn't find that order. ${help}` }
  await s.countContact(req.messageSid, found.orderId, 'deflected')
  return { action: 'status', orderId: found.orderId, reply: textStatus(view, s.orderUrl(found.orderNumber)) }
}

interface TextedNotice {
  order_id: number
  order_number: string
  line_nos: number[]
}

/** The latest delay notice texted to this number in the last 60 days, if any. */
async function latestNotice(s: SmsServices, from: string): Promise<TextedNotice | null> {
  const key = phoneKey(from)
  if (!key) return null
  const rows = await s.db.query<TextedNotice>(
    `SELECT n.order_id, o.order_number, n.line_nos
       FROM notifications n JOIN orders o ON o.order_id = n.order_id
      WHERE n.channel = 'sms' AND ${PHONE_KEY_SQL('n.recipient')} = $1 AND n.status = 'sent'
        AND n.triggers && ARRAY['backordered', 'delayed', 'renewed_delay', 'unavailable']::text[]
        AND n.created_at >= $2::timestamptz - interval '60 days'
      ORDER BY n.created_at DESC, n.notification_id DESC LIMIT 1`,
    [key, s.now],
  )
  return rows[0] ?? null
}

/**
 * WAIT / CANCEL: the choice for the lines of the latest delay notice texted to this number, once
 * the texter proves the order theirs. Until then the reply names no order and no item.
 */
async function answerNotice(s: SmsServices, req: SmsRequest, notice: TextedNotice, choice: 'wait' | 'cancel', proof: string | null) {
  const word = choice.toUpperCase()
  if (!proof) {
    return {
      action: 'proof_needed' as SmsAction, orderId: null,
      reply: `${s.store.name}: to answer our delay notice, reply ${word} and the postal code of the shipping address, e.g. "${word} 10001". Or call ${s.store.phone}.`,
    }
  }
  if (!(await s.checkProof(notice.order_number, proof))) {
    return {
      action: 'not_found' as SmsAction, orderId: null,
      reply: `${s.store.name}: we couldn't match that postal code to the order of our notice. Reply ${word} and the postal code of the shipping address, or call ${s.store.phone}.`,
    }
  }
  const done: number[] = []
  const refused: string[] = []
  for (const lineNo of notice.line_nos) {
    const r = await s.choose(notice.order_number, lineNo, choice)
    if (r.ok) done.push(lineNo)
    else refused.push(r.reason)
  }
  const what = choice === 'wait' ? 'we will keep your order and let you know when it ships' : 'the item is cancelled and a full refund is on its way'
  const reply = done.length > 0
    ? `${s.store.name}: thank you, ${what} (order ${notice.order_number}). Questions? ${s.store.phone}`
    : `${s.store.name}: we couldn't record that for order ${notice.order_number}: ${refused[0] ?? 'nothing to change'}. Call ${s.store.phone}.`
  await s.countContact(req.messageSid, notice.order_id, 'deflected')
  return { action: choice as SmsAction, reply, orderId: notice.order_id }
}

/** Sets (or clears, with null) the SMS opt-out of every customer with this phone number. */
async function setOptOut(db: Queryable, from: string, at: Date | null): Promise<void> {
  const key = phoneKey(from)
  if (!key) return
  await db.query(`UPDATE customers SET sms_opted_out_at = $2 WHERE ${PHONE_KEY_SQL('phone')} = $1 AND phone IS NOT NULL`, [key, at])
}
