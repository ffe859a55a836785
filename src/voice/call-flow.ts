/**
 * The phone call, one Twilio request per step: suggest the caller's order by caller ID or take the
 * order number, then the postal code (the proof, as on the page; caller ID can be spoofed, so it
 * only ever suggests which order), speak the order, and for a line the customer can decide
 * about offer wait / cancel / sooner alternatives / a person. Each answer is TwiML whose
 * `<Gather action>` names the next step. Silence and wrong keys count as failures; the third ends
 * the call politely with the store's hours and phone. Nothing spoken ever names a supplier, a PO or
 * a cost: everything comes from the customer's view.
 */
import type { Queryable } from '../store/db.ts'
import { spellOut, spokenAlternative, spokenAlternativeName, spokenChoiceMenu, spokenDay, spokenOrder, spokenPriceDelta } from '../domain/spoken.ts'
import type { OrderStatusView } from '../status/order-status.ts'
import type { LineOffer } from '../choices/choice-rules.ts'
import { hasOffer } from '../choices/line-offers.ts'
import { Answer } from './twiml.ts'
import { answeredStep, loadCall, rememberStep, saveCall, type CallState, type CallUpdate } from './call-store.ts'
import { normalizeKeyed } from './order-lookup.ts'

export const VOICE_STEPS = ['start', 'recognised', 'order', 'postal', 'line', 'alt', 'confirm', 'done', 'rep-end'] as const
export type VoiceStep = (typeof VOICE_STEPS)[number]

/** The parts of a Twilio voice request the flow reads. */
export interface VoiceRequest {
  callSid: string
  from: string | null
  step: VoiceStep
  line: number | null
  digits: string
  speech: string
}

/** What a choice made by keypad came to (the same record a link makes). */
export type KeypadChoice = { ok: true; said: string } | { ok: false; reason: string }

/** Everything the flow needs from the rest of wismo: narrow, so tests and wiring stay plain. */
export interface VoiceServices {
  db: Queryable
  now: Date
  store: { name: string; phone: string; hours: string }
  repPhone: string | null
  /** Absolute URL of a step (the signature covers it). */
  stepUrl(step: VoiceStep, line?: number | null): string
  /** The caller's most recent open order by caller ID, if any: a suggestion, never a proof. */
  orderForCaller(from: string | null): Promise<{ orderId: number; orderNumber: string; placedAt: Date } | null>
  /** The order a keyed or spoken number names (exact, else unique digits); null if none. */
  orderForKeyed(keyed: string): Promise<{ orderId: number; orderNumber: string } | null>
  /** The proof check with the shared failed-proof limits: true only when the postal code is the order's. */
  checkPostal(orderNumber: string | null, postal: string): Promise<boolean>
  /** The customer's view of the order now. */
  view(orderNumber: string): Promise<OrderStatusView | null>
  /** The answers each line takes now, by line number (the same rules as a recorded choice). */
  offers(orderNumber: string): Promise<Map<number, LineOffer>>
  choose(orderNumber: string, lineNo: number, choice: 'wait' | 'cancel' | 'switch', sku?: string): Promise<KeypadChoice>
  /** Opens the rep task for a caller who asked for a person, with what they heard. */
  openRepTask(call: CallState, heard: string): Promise<void>
  /** Counts the call: answered without a person, or handed to one. */
  countContact(call: CallState, outcome: 'deflected' | 'rep_task'): Promise<void>
}

export const MAX_FAILURES = 3

interface StepResult {
  answer: Answer
  update?: CallUpdate
  /** This step changed something: keep its answer so that a retry of it changes nothing. */
  remember?: boolean
}

/** Answers one request of a call with TwiML. */
export async function answerVoiceStep(s: VoiceServices, req: VoiceRequest): Promise<string> {
  const call = await loadCall(s.db, req.callSid, req.from, s.now)
  const stepKey = `${req.step}:${req.line ?? ''}:${req.digits}:${req.speech}:${call.failures}`
  const again = await answeredStep(s.db, call.callSid, stepKey)
  if (again) return again
  const result = await runStep(s, call, req)
  const twiml = result.answer.toString()
  await saveCall(s.db, call.callSid, result.update ?? {}, result.answer.said, s.now)
  if (result.remember) await rememberStep(s.db, call.callSid, stepKey, twiml, s.now)
  return twiml
}

async function runStep(s: VoiceServices, call: CallState, req: VoiceRequest): Promise<StepResult> {
  const key = req.digits.trim()
  switch (req.step) {
    case 'start': return start(s, call)
    case 'recognised':
      // Caller ID is spoofable: it chose the order, the postal code proves it (as for a keyed number).
      if (key === '1' && call.orderNumber) return { answer: askPostal(s, new Answer()), update: { proven: null } }
      if (key === '2') return { answer: askOrderNumber(s, new Answer()), update: { orderId: null, proven: null } }
      return failed(s, call, 'recognised', 'Sorry, I didn\'t get that.')
    case 'order': return keyedOrder(s, call, req)
    case 'postal': return postal(s, call, req)
    case 'line': return lineChoice(s, call, req.line, key)
    case 'alt': return pickAlternative(s, call, req.line, key)
    case 'confirm': return confirmSwitch(s, call, req.line, key)
    case 'done':
      if (key === '1' && call.proven) return speakOrder(s, call, {})
      if (key === '0' && call.proven) return toRep(s, call)
      return { answer: goodbye(s, new Answer(), 'Thank you for calling.') }
    case 'rep-end': return { answer: new Answer().hangup() }
  }
}

async function start(s: VoiceServices, call: CallState): Promise<StepResult> {
  const a = new Answer()
  const known = await s.orderForCaller(call.fromNumber)
  if (!known) {
    a.say(`Thank you for calling ${s.store.name}.`)
    return { answer: askOrderNumber(s, a) }
  }
  // Only the order's last characters: whoever holds this caller ID learns no more than that it has
  // an order, and nothing of it until the postal code is given.
  a.ask(s.stepUrl('recognised'), [
    `Thank you for calling ${s.store.name}.`,
    `I see an order ending in ${spellOut(orderTail(known.orderNumber))} for this number.`,
    'Press 1 for that order. Press 2 for another order.',
  ], { numDigits: 1 })
  return { answer: a, update: { orderId: known.orderId, proven: null } }
}

/** The last three letters or digits of an order number (fewer for a short one: never all of it). */
export function orderTail(orderNumber: string): string {
  const alnum = normalizeKeyed(orderNumber)
  return alnum.slice(-Math.min(3, Math.max(1, alnum.length - 2)))
}

function askOrderNumber(s: VoiceServices, a: Answer): Answer {
  return a.ask(s.stepUrl('order'), ['Please enter your order number on the keypad, then press the pound key. You can also say it.'], {
    speech: true, finishOnKey: '#', timeout: 8,
  })
}

function askPostal(s: VoiceServices, a: Answer): Answer {
  return a.ask(s.stepUrl('postal'), ['Please enter the postal code of the shipping address, then press the pound key.'], {
    speech: true, finishOnKey: '#', timeout: 8,
  })
}

async function keyedOrder(s: VoiceServices, call: CallState, req: VoiceRequest): Promise<StepResult> {
  const keyed = normalizeKeyed(req.digits || req.speech)
  if (!keyed) return failed(s, call, 'order', 'Sorry, I didn\'t get an order number.')
  // Whether or not the order exists, the postal code is asked next: the answer after it is the
  // same for an unknown order and a wrong postal code, so the phone tells a guesser nothing.
  const found = await s.orderForKeyed(keyed)
  return { answer: askPostal(s, new Answer()), update: { orderId: found?.orderId ?? null, proven: null } }
}

async function postal(s: VoiceServices, call: CallState, req: VoiceRequest): Promise<StepResult> {
  const code = (req.digits || req.speech).replace(/[^A-Za-z0-9]/g, '')
  const ok = code !== '' && (await s.checkPostal(call.orderNumber, code))
  if (!ok) {
    const failures = call.failures + 1
    if (failures >= MAX_FAILURES) return { answer: goodbye(s, new Answer(), 'I\'m sorry, I couldn\'t find that order.'), update: { failures, orderId: null } }
    const a = new Answer().say('I couldn\'t find an order with that number and postal code. Let\'s try again.')
    return { answer: askOrderNumber(s, a), update: { failures, orderId: null } }
  }
  return speakOrder(s, { ...call, proven: 'postal_code' }, { proven: 'postal_code' })
}

/** Speaks the order and, for the first line the customer can decide about, its options. */
async function speakOrder(s: VoiceServices, call: CallState, update: CallUpdate, after?: { from: number; said?: string }): Promise<StepResult> {
  const view = call.orderNumber ? await s.view(call.orderNumber) : null
  if (!view) return { answer: goodbye(s, new Answer(), 'I\'m sorry, I couldn\'t find that order.'), update }
  const a = new Answer()
  if (after?.said) a.say(after.said)
  if (!after) {
    a.say(...spokenOrder(view))
    await s.countContact(call, 'deflected')
  }
  const offers = await s.offers(view.orderNumber)
  const next = view.lines.find((l) => hasOffer(offers.get(l.lineNo)) && l.lineNo > (after?.from ?? 0))
  if (next) {
    a.ask(s.stepUrl('line', next.lineNo), [spokenChoiceMenu(next, offers.get(next.lineNo)!)], { numDigits: 1 })
  } else {
    a.ask(s.stepUrl('done'), ['To hear this again, press 1. To speak with a representative, press 0. Or simply hang up. Thank you for calling.'], { numDigits: 1 })
  }
  return { answer: a, update: { ...update, failures: 0 } }
}

async function lineChoice(s: VoiceServices, call: CallState, lineNo: number | null, key: string): Promise<StepResult> {
  if (!call.proven || !call.orderNumber || lineNo === null) return { answer: goodbye(s, new Answer(), 'Sorry, something went wrong.') }
  if (key === '0') return toRep(s, call)
  const offer = (await s.offers(call.orderNumber)).get(lineNo)
  if ((key === '1' && offer?.wait) || (key === '2' && offer?.cancel)) {
    const r = await s.choose(call.orderNumber, lineNo, key === '1' ? 'wait' : 'cancel')
    const said = r.ok ? r.said : `I couldn't record that: ${r.reason}`
    return { ...(await speakOrder(s, call, {}, { from: lineNo, said })), remember: r.ok }
  }
  if (key === '3') {
    const view = await s.view(call.orderNumber)
    const line = view?.lines.find((l) => l.lineNo === lineNo)
    if (line && line.alternatives.length > 0) {
      const offers = line.alternatives.slice(0, 5).map((alt, i) => spokenAlternative(alt, i + 1))
      return { answer: new Answer().ask(s.stepUrl('alt', lineNo), [...offers, 'Press 9 to go back.'], { numDigits: 1 }) }
    }
    return { ...(await speakOrder(s, call, {}, { from: lineNo - 1, said: 'There are no sooner alternatives for this item right now.' })) }
  }
  return failed(s, call, 'line', 'Sorry, that key is not one of the options.', lineNo, offer)
}

async function pickAlternative(s: VoiceServices, call: CallState, lineNo: number | null, key: string): Promise<StepResult> {
  if (!call.proven || !call.orderNumber || lineNo === null) return { answer: goodbye(s, new Answer(), 'Sorry, something went wrong.') }
  if (key === '9') return speakOrder(s, call, {}, { from: lineNo - 1 })
  const view = await s.view(call.orderNumber)
  const alt = view?.lines.find((l) => l.lineNo === lineNo)?.alternatives.slice(0, 5)[Number(key) - 1]
  if (!alt || !/^[1-5]$/.test(key)) return failed(s, call, 'line', 'Sorry, that key is not one of the options.', lineNo)
  const a = new Answer().ask(s.stepUrl('confirm', lineNo), [
    `You chose ${spokenAlternativeName(alt)}${alt.eta ? `, arriving by ${spokenDay(alt.eta)}` : ''}, at ${spokenPriceDelta(alt.priceDelta)}.`,
    alt.kind === 'other_supplier' ? 'Press 1 to confirm. Press 2 to go back.' : 'Press 1 to confirm the switch. Press 2 to go back.',
  ], { numDigits: 1 })
  return { answer: a, update: { pickedSku: alt.sku, pickedLine: lineNo } }
}

async function confirmSwitch(s: VoiceServices, call: CallState, lineNo: number | null, key: string): Promise<StepResult> {
  if (!call.proven || !call.orderNumber || lineNo === null || call.pickedLine !== lineNo || !call.pickedSku) {
    return { answer: goodbye(s, new Answer(), 'Sorry, something went wrong.') }
  }
  if (key !== '1') return speakOrder(s, call, { pickedSku: null, pickedLine: null }, { from: lineNo - 1 })
  const r = await s.choose(call.orderNumber, lineNo, 'switch', call.pickedSku)
  const said = r.ok ? r.said : `I couldn't make that switch: ${r.reason}`
  return { ...(await speakOrder(s, call, { pickedSku: null, pickedLine: null }, { from: lineNo, said })), remember: r.ok }
}

async function toRep(s: VoiceServices, call: CallState): Promise<StepResult> {
  await s.openRepTask(call, call.heard)
  await s.countContact(call, 'rep_task')
  const a = new Answer()
  if (s.repPhone) {
    a.say('Please hold while I connect you with a representative.').dial(s.repPhone, s.stepUrl('rep-end'))
    return { answer: a, update: { outcome: 'rep_task' }, remember: true }
  }
  a.say(`A representative will call you back. You can also reach us at ${s.store.phone}, ${s.store.hours}.`).hangup()
  return { answer: a, update: { outcome: 'rep_task' }, remember: true }
}

/** A wrong key or silence: ask again, or after the third, end politely. */
function failed(s: VoiceServices, call: CallState, step: VoiceStep, sorry: string, lineNo?: number, offer?: LineOffer): StepResult {
  const failures = call.failures + 1
  if (failures >= MAX_FAILURES) return { answer: goodbye(s, new Answer(), sorry), update: { failures } }
  const a = new Answer().say(sorry)
  if (step === 'order') return { answer: askOrderNumber(s, a), update: { failures } }
  if (step === 'recognised') {
    a.ask(s.stepUrl('recognised'), ['Press 1 for the order I mentioned. Press 2 for another order.'], { numDigits: 1 })
    return { answer: a, update: { failures } }
  }
  const keys = [offer?.wait !== false ? '1 to wait' : null, '2 to cancel this item for a refund', offer?.switch !== false ? '3 to hear alternatives' : null]
  a.ask(s.stepUrl('line', lineNo ?? null), [`Press ${keys.filter(Boolean).join(', ')}, or 0 for a representative.`], { numDigits: 1 })
  return { answer: a, update: { failures } }
}

function goodbye(s: VoiceServices, a: Answer, first: string): Answer {
  return a.say(first, `You can reach ${s.store.name} at ${s.store.phone}, ${s.store.hours}. Goodbye.`).hangup()
}
