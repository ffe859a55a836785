import type { Queryable } from './db.ts'

export const CONTACT_CHANNELS = ['page', 'api', 'voice', 'sms', 'helpdesk'] as const
export type ContactChannel = (typeof CONTACT_CHANNELS)[number]
export type ContactOutcome = 'deflected' | 'rep_task'

export interface ContactInput {
  channel: ContactChannel
  orderId: number | null
  /** `deflected`: answered without a person; `rep_task`: handed to a rep. */
  outcome: ContactOutcome
  now: Date
}

/** Records one "where is my order" contact (the dashboard's deflection chart counts these). */
export async function recordContact(db: Queryable, c: ContactInput): Promise<void> {
  await db.query(`INSERT INTO contacts (channel, order_id, outcome, at) VALUES ($1, $2, $3, $4)`, [c.channel, c.orderId, c.outcome, c.now])
}
