/**
 * Regex helpers for the tracking_number_data specs: translating their Ruby (Onigmo) patterns to
 * JavaScript, and measuring how specific a pattern is — how many distinct normalized strings it
 * accepts — so that when two couriers' formats both accept a number, the narrower one wins.
 */

/**
 * The specs are written for Ruby. Named groups `(?<name>…)`, lookarounds, `\b`, `\s` and classes
 * mean the same in JavaScript; the Ruby-only pieces are rewritten: `\A`, `\z`, `\Z` anchors, `\h`
 * (hex digit), atomic groups `(?>…)` and possessive quantifiers (`*+`, `++`, `?+`, `}+`), which
 * become their backtracking equivalents — the same language for whole-string matches.
 */
export function translateRubyRegex(source: string): string {
  let out = ''
  let inClass = false
  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (c === '\\') {
      const next = source[i + 1] ?? ''
      i++
      if (!inClass && next === 'A') out += '^'
      else if (!inClass && (next === 'z' || next === 'Z')) out += '$'
      else if (next === 'h') out += inClass ? '0-9a-fA-F' : '[0-9a-fA-F]'
      else out += `\\${next}`
      continue
    }
    if (inClass) {
      if (c === ']') inClass = false
      out += c
      continue
    }
    if (c === '[') inClass = true
    if (c === '(' && source.startsWith('(?>', i)) {
      out += '(?:'
      i += 2
      continue
    }
    // A `+` right after a quantifier makes it possessive in Ruby; JavaScript has no such thing.
    if (c === '+' && /[*+?}]/.test(source[i - 1] ?? '') && source[i - 2] !== '\\') continue
    out += c
  }
  return out
}

/** What a normalized tracking number is made of: upper-case letters, digits and dashes. */
const ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-']
/** Normalized numbers are never longer than this (detection refuses longer input). */
export const MAX_NUMBER_LENGTH = 64

/**
 * For each length n (0…MAX_NUMBER_LENGTH), log10 of how many normalized strings of length n a
 * (JavaScript) pattern accepts: concatenation convolves, alternation adds, `{m,n}` sums the
 * powers; lookarounds and `\b` are treated as unconstrained, and whitespace (removed before
 * matching) accepts nothing. An estimate — it assumes each string splits one way — but a stable
 * one, computed from the spec alone.
 */
export function log10SizesByLength(source: string): Sizes {
  return parseAlternation({ src: source, pos: 0 })
}

/** Index = length; value = log10 of the count (−Infinity: none of that length). */
export type Sizes = number[]

interface Parser {
  src: string
  pos: number
}

const NONE = -Infinity
const logAdd = (a: number, b: number) => (a === NONE ? b : b === NONE ? a : Math.max(a, b) + Math.log10(1 + 10 ** -Math.abs(a - b)))
const empty = (): Sizes => new Array(MAX_NUMBER_LENGTH + 1).fill(NONE)
const only = (length: number, log10Count: number): Sizes => {
  const s = empty()
  s[length] = log10Count
  return s
}

function add(a: Sizes, b: Sizes): Sizes {
  return a.map((x, i) => logAdd(x, b[i]))
}

function concat(a: Sizes, b: Sizes): Sizes {
  const out = empty()
  a.forEach((x, i) => {
    if (x === NONE) return
    for (let j = 0; i + j <= MAX_NUMBER_LENGTH; j++) if (b[j] !== NONE) out[i + j] = logAdd(out[i + j], x + b[j])
  })
  return out
}

function parseAlternation(p: Parser): Sizes {
  let total = parseSequence(p)
  while (p.src[p.pos] === '|') {
    p.pos++
    total = add(total, parseSequence(p))
  }
  return total
}

function parseSequence(p: Parser): Sizes {
  let total = only(0, 0)
  while (p.pos < p.src.length && p.src[p.pos] !== '|' && p.src[p.pos] !== ')') {
    const atom = parseAtom(p)
    total = concat(total, repeat(atom, parseQuantifier(p)))
  }
  return total
}

function parseAtom(p: Parser): Sizes {
  const c = p.src[p.pos]
  if (c === '(') return parseGroup(p)
  const start = p.pos
  if (c === '[') {
    p.pos++
    while (p.pos < p.src.length && p.src[p.pos] !== ']') p.pos += p.src[p.pos] === '\\' ? 2 : 1
    p.pos++
  } else if (c === '\\') {
    p.pos += 2
    if (/^\\[bB]$/.test(p.src.slice(start, p.pos))) return only(0, 0)
  } else {
    p.pos++
    if (c === '^' || c === '$') return only(0, 0)
  }
  const n = countChars(p.src.slice(start, p.pos))
  return n === 0 ? empty() : only(1, Math.log10(n))
}

function parseGroup(p: Parser): Sizes {
  const rest = p.src.slice(p.pos)
  const lookaround = /^\(\?(=|!|<=|<!)/.exec(rest)
  const named = /^\(\?<[A-Za-z_][A-Za-z0-9_]*>/.exec(rest)
  p.pos += lookaround ? lookaround[0].length : named ? named[0].length : rest.startsWith('(?:') ? 3 : 1
  const inner = parseAlternation(p)
  p.pos++ // ')'
  return lookaround ? only(0, 0) : inner
}

function parseQuantifier(p: Parser): [number, number] {
  const m = /^(?:([*+?])|\{(\d+)(,(\d*))?\})\??/.exec(p.src.slice(p.pos))
  if (!m) return [1, 1]
  p.pos += m[0].length
  if (m[1] === '*') return [0, MAX_NUMBER_LENGTH]
  if (m[1] === '+') return [1, MAX_NUMBER_LENGTH]
  if (m[1] === '?') return [0, 1]
  const min = Number(m[2])
  const max = m[3] === undefined ? min : m[4] === '' ? MAX_NUMBER_LENGTH : Number(m[4])
  return [min, Math.min(max, MAX_NUMBER_LENGTH)]
}

/** Σ_{k=min..max} atom^k (by concatenation), stopping once the powers are longer than any number. */
function repeat(atom: Sizes, [min, max]: [number, number]): Sizes {
  if (min === 1 && max === 1) return atom
  let power = only(0, 0)
  let total = empty()
  for (let k = 0; k <= max; k++) {
    if (k >= min) total = add(total, power)
    power = concat(power, atom)
    if (power.every((x) => x === NONE)) break
  }
  return total
}

const charCounts = new Map<string, number>()

/** How many alphabet characters a one-character atom (class, escape, literal) accepts. */
function countChars(atom: string): number {
  let n = charCounts.get(atom)
  if (n === undefined) {
    let re: RegExp | null = null
    try {
      re = new RegExp(`^(?:${atom})$`)
    } catch {
      re = null
    }
    n = re ? ALPHABET.filter((ch) => re.test(ch)).length : 1
    charCounts.set(atom, n)
  }
  return n
}
