/**
 * The 997 Functional Acknowledgment that answers one received interchange: one 997 per
 * functional group (AK1), one AK2/AK5 per transaction set, AK3/AK4 naming the segment and
 * element of a rejection, AK9 with the counts. Sender and receiver are swapped; the control
 * numbers are wismo's own. Pure: the control number and the time are passed in.
 *
 * wismo applies each interchange whole or not at all, so its 997 is either all accepted or all
 * rejected: in a refused interchange the faulty transaction set says why, and its siblings are
 * rejected without a code (they were not applied either) so the partner resends the whole group.
 *
 * X12 never acknowledges an acknowledgment: a group of 997s/999s gets no 997 (and an interchange
 * holding only such groups none at all).
 */
import type { GroupResult, InterchangeResult, TransactionResult } from './envelope.ts'

export interface AckOptions {
  /** wismo's interchange control number (ISA13/IEA02, also used for GS06/GE02): 1..999999999. */
  control: number
  now: Date
  /** The interchange was refused: nothing in it was applied. */
  rejected: boolean
}

// Plain, widely accepted separators: the partner's own may be exotic (the "…" sample).
const E = '*'
const C = '>'
const T = '~\n'

/** A value safe to echo back inside a 997 (no separators or control characters). */
function clean(value: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[*>~^\u0000-\u001f\u007f-\u009f]/g, '').slice(0, max)
}

const pad = (s: string, n: number) => s.slice(0, n).padEnd(n, ' ')

function stamp(now: Date): { yymmdd: string; ccyymmdd: string; hhmm: string } {
  const iso = now.toISOString()
  const ccyymmdd = iso.slice(0, 10).replace(/-/g, '')
  return { ccyymmdd, yymmdd: ccyymmdd.slice(2), hhmm: iso.slice(11, 16).replace(':', '') }
}

function transactionSegments(t: TransactionResult, rejectedGroup: boolean): string[] {
  const out = [`AK2${E}${clean(t.setId, 3)}${E}${clean(t.control, 9)}`]
  const f = t.fault
  if (f?.segment) {
    out.push(`AK3${E}${clean(f.segment.tag, 3)}${E}${f.segment.position}${E}${E}${f.segment.code}`)
    if (f.element) {
      const value = f.element.value !== undefined ? `${E}${clean(f.element.value, 99)}` : ''
      out.push(`AK4${E}${f.element.position}${E}${E}${f.element.code}${value}`)
    }
  }
  if (f) out.push(`AK5${E}R${E}${f.code}`)
  else out.push(rejectedGroup ? `AK5${E}R` : `AK5${E}A`)
  return out
}

/** One 997 transaction set (ST…SE) for one received group. */
function groupAck(g: GroupResult, rejected: boolean, setControl: string): string[] {
  const body: string[] = [`ST${E}997${E}${setControl}`, `AK1${E}${clean(g.header.functionalId, 2)}${E}${clean(g.header.control, 9)}`]
  for (const t of g.transactions) body.push(...transactionSegments(t, rejected))
  const accepted = rejected ? 0 : g.transactions.length
  const included = g.declaredCount ?? g.transactions.length
  body.push(`AK9${E}${rejected ? 'R' : 'A'}${E}${included}${E}${g.transactions.length}${E}${accepted}${g.fault ? `${E}${g.fault}` : ''}`)
  body.push(`SE${E}${body.length + 1}${E}${setControl}`)
  return body
}

const ACKNOWLEDGMENTS = new Set(['997', '999'])

/** A group of acknowledgments (GS01 FA, or only 997/999 sets) is never answered. */
function isAcknowledgmentGroup(g: GroupResult): boolean {
  if (g.transactions.length === 0) return g.header.functionalId === 'FA'
  return g.transactions.every((t) => ACKNOWLEDGMENTS.has(t.setId))
}

/** True when `ic` holds a group a 997 answers (anything but acknowledgments). */
export function acknowledges(ic: InterchangeResult): boolean {
  return ic.groups.some((g) => !isAcknowledgmentGroup(g))
}

/** The 997 interchange answering `ic`, or null when it held no functional group to acknowledge. */
export function build997(ic: InterchangeResult, opts: AckOptions): string | null {
  const groups = ic.groups.filter((g) => !isAcknowledgmentGroup(g))
  if (groups.length === 0) return null
  const h = ic.header
  const { yymmdd, ccyymmdd, hhmm } = stamp(opts.now)
  const n = ((Math.max(1, Math.floor(opts.control)) - 1) % 999_999_999) + 1
  const control = String(n).padStart(9, '0')
  const groupControl = String(n)
  // ISA11 is the repetition separator from 4020 on, "U" (US) before.
  const isa11 = h.version >= '00402' ? '^' : 'U'
  const segments = [
    ['ISA', '00', pad('', 10), '00', pad('', 10), pad(h.receiverQualifier, 2), pad(h.receiverId, 15), pad(h.senderQualifier, 2),
      pad(h.senderId, 15), yymmdd, hhmm, isa11, h.version, control, '0', h.usage === 'T' ? 'T' : 'P', C].join(E),
  ]
  const first = groups[0].header
  segments.push(['GS', 'FA', clean(first.receiverCode, 15) || clean(h.receiverId, 15), clean(first.senderCode, 15) || clean(h.senderId, 15),
    ccyymmdd, hhmm, groupControl, 'X', clean(first.version, 12) || '004010'].join(E))
  groups.forEach((g, i) => {
    const rejected = opts.rejected || ic.fault || g.fault !== null || g.transactions.some((t) => t.fault)
    segments.push(...groupAck(g, rejected, String(i + 1).padStart(4, '0')))
  })
  segments.push(`GE${E}${groups.length}${E}${groupControl}`, `IEA${E}1${E}${control}`)
  return segments.join(T) + T
}
