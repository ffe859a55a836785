import { UsageError, type Command } from './context.ts'
import { detectTrackingNumber, type TrackingNumberMatch } from '../carriers/tracking-number.ts'

/** One line of `wismo tracking --json`. */
export interface TrackingAnswer {
  number: string
  carrier: string | null
  url: string | null
  valid: boolean
}

/**
 * `wismo tracking NUMBER… [--json]` — the carrier each number belongs to and its tracking page,
 * in the order given. Exit 0 when every number is recognized (valid, check digit included), 1
 * when one is not (a reason per number on stderr), 2 without a number. No database needed.
 */
export const trackingCommand: Command = async (ctx, { positionals, flags }) => {
  if (positionals.length === 0) throw new UsageError('usage: wismo tracking NUMBER… [--json]')
  const matches = positionals.map((raw) => ({ raw, match: detectTrackingNumber(raw) }))
  const answers = matches.map(({ raw, match }) => toAnswer(raw, match))
  if (flags.json) ctx.out(JSON.stringify(answers, null, 2))
  else for (const a of answers) ctx.out(a.valid ? `${a.number}  ${a.carrier}  ${a.url ?? '(no tracking page)'}` : `${a.number}  not recognized`)
  for (const { raw, match } of matches) if (!match?.valid) ctx.err(reason(raw, match))
  return answers.every((a) => a.valid) ? 0 : 1
}

function toAnswer(raw: string, match: TrackingNumberMatch | null): TrackingAnswer {
  if (!match?.valid) return { number: match?.number ?? raw.trim(), carrier: null, url: null, valid: false }
  return { number: match.number, carrier: match.carrier, url: match.url, valid: true }
}

function reason(raw: string, match: TrackingNumberMatch | null): string {
  const shown = JSON.stringify(raw)
  if (!match) return `${shown}: not a tracking number of any known carrier`
  if (match.ambiguous) {
    const whose = [match.carrier, ...match.alternatives.map((a) => a.carrier)].join(' or ')
    return `${shown}: carrier unknown (shaped like ${whose}'s, and no check digit tells them apart)`
  }
  return `${shown}: not a valid tracking number (shaped like ${match.carrier}'s, but its check digit or codes do not match)`
}
