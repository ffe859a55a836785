/**
 * Reproducible mutations of X12 files for fuzzing the reader: segments deleted, duplicated or
 * swapped, separators changed, elements rewritten, bytes flipped or inserted, the file cut
 * short. Exported so a benchmark can run many more cases than the test suite does.
 */
import { peekInterchanges } from '../../src/feeds/x12/segments.ts'

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its seed. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Rng = () => number
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]
const int = (rng: Rng, n: number) => Math.floor(rng() * n)

/** The file's segments as text (split on its first ISA's terminator), or null when it has no readable ISA. */
function split(body: Buffer): { parts: string[]; element: string; terminator: string } | null {
  const [head] = peekInterchanges(body)
  if (!head) return null
  const text = body.toString('utf8')
  return { parts: text.split(head.delimiters.segment), element: head.delimiters.element, terminator: head.delimiters.segment }
}

const SEGMENT_OPS: Record<string, (rng: Rng, parts: string[], element: string) => void> = {
  'delete segment': (rng, p) => void p.splice(int(rng, p.length), 1),
  'duplicate segment': (rng, p) => {
    const i = int(rng, p.length)
    p.splice(i, 0, p[i])
  },
  'swap segments': (rng, p) => {
    const i = int(rng, p.length)
    const j = int(rng, p.length)
    ;[p[i], p[j]] = [p[j], p[i]]
  },
  'rewrite element': (rng, p, e) => {
    const i = int(rng, p.length)
    const els = p[i].split(e)
    const k = 1 + int(rng, Math.max(1, els.length - 1))
    els[k] = pick(rng, ['', '0', '-5', '99999999999', 'ZZ', '20261399', '1.5', 'x'.repeat(int(rng, 40)), '\u0000', '∑'])
    p[i] = els.join(e)
  },
  'rename segment': (rng, p, e) => {
    const i = int(rng, p.length)
    const els = p[i].split(e)
    els[0] = els[0].replace(/[A-Z0-9]+/, pick(rng, ['ST', 'SE', 'GS', 'GE', 'IEA', 'HL', 'LIN', 'ACK', 'PO1', 'X', 'lin', '']))
    p[i] = els.join(e)
  },
}

const BYTE_OPS: Record<string, (rng: Rng, b: Buffer) => Buffer> = {
  'flip bytes': (rng, b) => {
    const out = Buffer.from(b)
    for (let n = 1 + int(rng, 4); n > 0 && out.length > 0; n--) out[int(rng, out.length)] = int(rng, 256)
    return out
  },
  truncate: (rng, b) => b.subarray(0, int(rng, b.length)),
  'insert bytes': (rng, b) => {
    const at = int(rng, b.length + 1)
    const junk = Buffer.from(Array.from({ length: 1 + int(rng, 8) }, () => int(rng, 256)))
    return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)])
  },
  'change separators': (rng, b) => {
    const s = split(b)
    if (!s) return b
    const element = pick(rng, ['|', '^', '\u001d', '+', '!'])
    const terminator = pick(rng, ['\n', '\r', '~', '\u001c', '\u2026', '\''])
    const parts = s.parts.map((p) => p.split(s.element).join(element))
    return Buffer.from(parts.join(terminator))
  },
}

/** The kinds of mutation, by name. */
export const MUTATIONS = [...Object.keys(SEGMENT_OPS), ...Object.keys(BYTE_OPS)]

/** One random mutation of `body`; `kind` says which (for the failure message). */
export function mutate(body: Buffer, rng: Rng): { body: Buffer; kind: string } {
  const kind = pick(rng, MUTATIONS)
  if (BYTE_OPS[kind]) return { body: BYTE_OPS[kind](rng, body), kind }
  const s = split(body)
  if (!s) return { body: BYTE_OPS['flip bytes'](rng, body), kind: 'flip bytes' }
  SEGMENT_OPS[kind](rng, s.parts, s.element)
  return { body: Buffer.from(s.parts.join(s.terminator)), kind }
}

export interface FuzzCase {
  seed: number
  sample: string
  kind: string
  body: Buffer
}

/** `count` cases from the samples, each from its own seed (`seed + i`) so any one can be replayed. */
export function* fuzzCases(samples: { name: string; body: Buffer }[], seed: number, count: number): Generator<FuzzCase> {
  for (let i = 0; i < count; i++) {
    const rng = createRng(seed + i)
    const sample = pick(rng, samples)
    let m = mutate(sample.body, rng)
    // Sometimes stack a second mutation: broken files are rarely broken in one way only.
    if (rng() < 0.3) {
      const second = mutate(m.body, rng)
      m = { body: second.body, kind: `${m.kind} + ${second.kind}` }
    }
    yield { seed: seed + i, sample: sample.name, kind: m.kind, body: m.body }
  }
}
