/** A phone call's state between Twilio's webhook requests (one row per CallSid). */
import type { Queryable } from '../store/db.ts'

export interface CallState {
  callSid: string
  fromNumber: string | null
  orderId: number | null
  orderNumber: string | null
  /** How the caller proved the order theirs; null until they did (caller ID alone never does). */
  proven: 'postal_code' | null
  failures: number
  pickedSku: string | null
  pickedLine: number | null
  heard: string
  outcome: string | null
}

interface CallRow {
  call_sid: string; from_number: string | null; order_id: number | null; order_number: string | null
  proven: string | null; failures: number; picked_sku: string | null; picked_line: number | null; heard: string; outcome: string | null
}

const SELECT = `SELECT v.call_sid, v.from_number, v.order_id, o.order_number, v.proven, v.failures, v.picked_sku, v.picked_line, v.heard, v.outcome
  FROM voice_calls v LEFT JOIN orders o ON o.order_id = v.order_id WHERE v.call_sid = $1`

function toState(r: CallRow): CallState {
  return {
    // A call begun before caller ID stopped counting as proof ('caller_id') has proven nothing.
    callSid: r.call_sid, fromNumber: r.from_number, orderId: r.order_id, orderNumber: r.order_number, proven: r.proven === 'postal_code' ? 'postal_code' : null,
    failures: r.failures, pickedSku: r.picked_sku, pickedLine: r.picked_line, heard: r.heard, outcome: r.outcome,
  }
}

/** The call's state, created on its first request (a replayed first request finds the same row). */
export async function loadCall(db: Queryable, callSid: string, from: string | null, now: Date): Promise<CallState> {
  await db.query(
    `INSERT INTO voice_calls (call_sid, from_number, started_at, updated_at) VALUES ($1, $2, $3, $3) ON CONFLICT (call_sid) DO NOTHING`,
    [callSid, from, now],
  )
  const [row] = await db.query<CallRow>(SELECT, [callSid])
  return toState(row)
}

export type CallUpdate = Partial<Pick<CallState, 'orderId' | 'proven' | 'failures' | 'pickedSku' | 'pickedLine' | 'outcome'>>

const COLUMN: Record<keyof CallUpdate, string> = {
  orderId: 'order_id', proven: 'proven', failures: 'failures', pickedSku: 'picked_sku', pickedLine: 'picked_line', outcome: 'outcome',
}

/** Saves what changed in the call, and appends what the caller was just told to its transcript. */
export async function saveCall(db: Queryable, callSid: string, update: CallUpdate, said: string[], now: Date): Promise<void> {
  const keys = Object.keys(update) as (keyof CallUpdate)[]
  const sets = keys.map((k, i) => `${COLUMN[k]} = $${i + 4}`)
  await db.query(
    `UPDATE voice_calls SET updated_at = $2,
        heard = CASE WHEN $3 = '' THEN heard ELSE left(heard || CASE WHEN heard = '' THEN '' ELSE ' | ' END || $3, 4000) END
        ${sets.length ? `, ${sets.join(', ')}` : ''}
      WHERE call_sid = $1`,
    [callSid, now, said.join(' '), ...keys.map((k) => update[k] ?? null)],
  )
}

/** The answer already given to this exact step of this call, if any (a retried request). */
export async function answeredStep(db: Queryable, callSid: string, stepKey: string): Promise<string | null> {
  const rows = await db.query<{ twiml: string }>('SELECT twiml FROM voice_call_steps WHERE call_sid = $1 AND step_key = $2', [callSid, stepKey])
  return rows[0]?.twiml ?? null
}

/** Keeps the answer to a step that changed something, so a retry of it changes nothing. */
export async function rememberStep(db: Queryable, callSid: string, stepKey: string, twiml: string, now: Date): Promise<void> {
  await db.query(
    'INSERT INTO voice_call_steps (call_sid, step_key, twiml, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [callSid, stepKey, twiml, now],
  )
}
