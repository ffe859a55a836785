/**
 * Which channels carry a customer message (DESIGN.md "Messages"): the customer's preference and
 * opt-outs decide optional messages; a message the law requires still goes by email unless the
 * customer has no email (then by text when possible). Pure.
 */
export type CustomerChannel = 'email' | 'sms'

export interface Reachability {
  email: string | null
  phone: string | null
  /** The customer's preferred channel (customers.channel). */
  preferred: string
  emailOptedOut: boolean
  smsOptedOut: boolean
  /** An SMS provider is configured. */
  smsAvailable: boolean
}

/** One row to write: a message to send, or a suppressed one with the reason. */
export interface ChannelPick {
  channel: CustomerChannel
  to: string
  suppressed: string | null
}

/** The channels for one message; never empty (a message nobody can receive is recorded as suppressed). */
export function chooseChannels(r: Reachability, required: boolean): ChannelPick[] {
  const email = r.email?.trim() || null
  const smsOk = Boolean(r.phone?.trim()) && !r.smsOptedOut && r.smsAvailable
  const sms: ChannelPick | null = smsOk ? { channel: 'sms', to: (r.phone as string).trim(), suppressed: null } : null
  const picks: ChannelPick[] = []
  if (r.preferred === 'sms' && sms) picks.push(sms)
  if (email) {
    if (required) picks.push({ channel: 'email', to: email, suppressed: null })
    else if (!picks.length) picks.push({ channel: 'email', to: email, suppressed: r.emailOptedOut ? 'opted out of optional email' : null })
  } else if (required && sms && !picks.length) {
    picks.push(sms)
  }
  if (picks.length === 0) {
    const why = r.phone && r.smsOptedOut ? 'no email, and texts are stopped (STOP)' : 'no email or phone to send to'
    picks.push({ channel: email ? 'email' : r.phone ? 'sms' : 'email', to: email ?? r.phone ?? '', suppressed: why })
  }
  return picks
}
