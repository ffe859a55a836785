/**
 * Builds small X12 interchanges for tests: segments are written with "*" and get the chosen
 * separators; ST/SE, GS/GE and ISA/IEA are added with matching counts and control numbers.
 */
export interface EnvelopeOptions {
  sender?: string
  receiver?: string
  control?: number
  functionalId?: string
  version?: string
  element?: string
  component?: string
  /** Segment terminator, and what follows it (a newline by default). */
  terminator?: string
  after?: string
}

export interface TransactionSpec {
  id: string
  body: string[]
  control?: string
}

const pad = (s: string, n: number) => s.padEnd(n, ' ').slice(0, n)

/** GS01 of the group each set travels in (wismo refuses a set in another group). */
const GROUP_OF: Record<string, string> = { '855': 'PR', '856': 'SH', '870': 'RS', '846': 'IB', '214': 'QM', '997': 'FA', '999': 'FA', '850': 'PO', '860': 'PC' }

/** One interchange with one group holding the given transaction sets. */
export function interchange(sets: TransactionSpec[], o: EnvelopeOptions = {}): string {
  const e = o.element ?? '*'
  const t = o.terminator ?? '~'
  const after = o.after ?? '\n'
  const control = o.control ?? 1
  const isa13 = String(control).padStart(9, '0')
  const version = o.version ?? '004010'
  const isa = ['ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad(o.sender ?? 'ACMEEDI', 15), 'ZZ', pad(o.receiver ?? 'WISMO', 15),
    '261120', '0930', 'U', version.slice(0, 5), isa13, '0', 'P', o.component ?? '>'].join(e)
  const segs = [isa, ['GS', o.functionalId ?? GROUP_OF[sets[0]?.id ?? ''] ?? 'PR', o.sender ?? 'ACMEEDI', o.receiver ?? 'WISMO', '20261120', '0930', String(control), 'X', version].join(e)]
  sets.forEach((s, i) => {
    const st = s.control ?? String(i + 1).padStart(4, '0')
    const body = s.body.map((b) => b.split('*').join(e))
    segs.push([`ST${e}${s.id}${e}${st}`, ...body, `SE${e}${body.length + 2}${e}${st}`].join(t + after))
  })
  segs.push(`GE${e}${sets.length}${e}${control}`, `IEA${e}1${e}${isa13}`)
  return segs.join(t + after) + t + after
}

/** A single transaction set in its envelope, as a Buffer. */
export function x12(id: string, body: string[], o: EnvelopeOptions = {}): Buffer {
  return Buffer.from(interchange([{ id, body }], o))
}
