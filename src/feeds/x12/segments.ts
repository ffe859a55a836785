/**
 * The X12 tokenizer: bytes in, segments out, one at a time. It honours the separators each ISA
 * declares (any element/sub-element separator, any one-character terminator, even the
 * three-byte "…"), skips a UTF-8 BOM and the line breaks and indentation of "pretty" files, and
 * reads several interchanges from one file. It works on the Buffer directly and never builds the
 * whole file as a string or a tree, so a 1M-item 846 streams in constant memory.
 */
import { X12Error, printable } from './errors.ts'
import type { Delimiters, InterchangeHeader, Segment, X12SegmentProblem } from './types.ts'

/** Widths of ISA01..ISA15 (ISA16 is one character): the ISA is fixed-length, 106 characters. */
const ISA_WIDTHS = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1]

const isWhitespace = (b: number | undefined): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d
const isAlnum = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)

function skipBom(body: Buffer): number {
  return body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0
}

function skipWhitespace(body: Buffer, pos: number): number {
  while (pos < body.length && isWhitespace(body[pos])) pos++
  return pos
}

/** "ISA" followed by a separator (not a letter: that would be some other text). */
function startsWithIsa(body: Buffer, pos: number): boolean {
  return body[pos] === 0x49 && body[pos + 1] === 0x53 && body[pos + 2] === 0x41 && pos + 3 < body.length && !isAlnum(body[pos + 3])
}

/** Bytes in the UTF-8 character that starts with `lead` (a stray continuation byte counts as one). */
function utf8Length(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf7) return 4
  if (lead >= 0xe0) return lead <= 0xef ? 3 : 1
  return lead >= 0xc0 ? 2 : 1
}

function describeByte(b: number | undefined): string {
  return b === undefined ? 'missing' : `"${printable(String.fromCharCode(b))}"`
}

/** The separators after ISA16, checked: distinct, not letters or digits (a cut or corrupt ISA shows here). */
function readDelimiters(body: Buffer, elementByte: number, p: number, at: { index: number; tag: string }): { delimiters: Delimiters; end: number } {
  const componentByte = body[p]
  const lead = body[p + 1]
  if (componentByte === undefined || lead === undefined) {
    throw new X12Error(at, 'the ISA header is cut short: no sub-element separator (ISA16) and segment terminator after ISA15', { interchange: true })
  }
  const termBytes = body.subarray(p + 1, p + 1 + utf8Length(lead))
  const segment = termBytes.toString('utf8')
  if (isAlnum(componentByte) || isWhitespace(componentByte) || componentByte >= 0x80) {
    throw new X12Error(at, `ISA16 (the sub-element separator) is ${describeByte(componentByte)}; it must be a punctuation character`, { interchange: true })
  }
  // CR or LF may end segments (files with one segment per line); a space or tab may not: layout is skipped.
  const bad = isAlnum(lead) || lead === 0x20 || lead === 0x09 || lead === elementByte || lead === componentByte
  if (bad || segment === '\uFFFD' || segment.length !== 1) {
    const problem = `the segment terminator after ISA16 is ${describeByte(lead)}; it must be one character that is not a letter, a digit or another separator`
    throw new X12Error(at, problem, { interchange: true })
  }
  return {
    delimiters: { element: String.fromCharCode(elementByte), component: String.fromCharCode(componentByte), segment },
    end: p + 1 + termBytes.length,
  }
}

/** Reads ISA01..ISA15 at their fixed widths; a field of another width names itself. */
function readIsaFields(body: Buffer, pos: number, sep: number, at: { index: number; tag: string }): { values: string[]; next: number } {
  const values: string[] = ['ISA']
  let p = pos + 4
  for (let i = 0; i < ISA_WIDTHS.length; i++) {
    const width = ISA_WIDTHS[i]
    const name = `ISA${String(i + 1).padStart(2, '0')}`
    if (body[p + width] !== sep) {
      const next = body.indexOf(sep, p)
      const found = next < 0 || next > p + 80 ? null : next - p
      const problem = found === null
        ? `the ISA header is cut short or corrupt at ${name} (it must be 106 characters with fixed-width fields)`
        : `${name} must be ${width} characters, found ${found} ("${printable(body.toString('latin1', p, next))}"); the ISA header is fixed-length`
      throw new X12Error(at, problem, { interchange: true })
    }
    values.push(body.toString('latin1', p, p + width))
    p += width + 1
  }
  return { values, next: p }
}

function checkIsaValues(v: string[], at: { index: number; tag: string }): void {
  if (!/^\d{9}$/.test(v[13])) throw new X12Error(at, `ISA13 (interchange control number) must be 9 digits, found "${printable(v[13])}"`, { interchange: true })
  if (!/^\d{5}$/.test(v[12])) throw new X12Error(at, `ISA12 (version) must be 5 digits, found "${printable(v[12])}"`, { interchange: true })
  if (v[6].trim() === '') throw new X12Error(at, 'ISA06 (sender id) is blank', { interchange: true })
}

export interface IsaRead {
  header: InterchangeHeader
  segment: Segment
  /** Byte offset just after the ISA's terminator. */
  end: number
}

/** Reads and checks the fixed-length ISA header at `pos`, learning the interchange's separators. */
export function readIsa(body: Buffer, pos: number, index: number): IsaRead {
  const at = { index, tag: 'ISA' }
  if (!startsWithIsa(body, pos)) {
    throw new X12Error(at, `expected an interchange header (ISA), found "${printable(body.toString('utf8', pos, pos + 20))}"`, { interchange: true })
  }
  const sep = body[pos + 3]
  if (isWhitespace(sep) || sep >= 0x80) {
    throw new X12Error(at, `the element separator (the character after "ISA") is ${describeByte(sep)}; it must be a punctuation character`, { interchange: true })
  }
  const { values, next } = readIsaFields(body, pos, sep, at)
  const { delimiters, end } = readDelimiters(body, sep, next, at)
  values.push(delimiters.component)
  checkIsaValues(values, at)
  const header: InterchangeHeader = {
    senderQualifier: values[5].trim(),
    senderId: values[6].trim(),
    receiverQualifier: values[7].trim(),
    receiverId: values[8].trim(),
    version: values[12],
    control: values[13],
    usage: values[15],
    delimiters,
  }
  return { header, segment: { tag: 'ISA', elements: values, index, isa: header }, end }
}

function toSegment(body: Buffer, start: number, end: number, element: string, component: string, index: number): Segment {
  let text = body.toString('utf8', start, end)
  // A CR/LF before the terminator (or a CR left by a "\n" terminator in a CRLF file) is layout, not data.
  let cut = text.length
  while (cut > 0 && (text.charCodeAt(cut - 1) === 0x0a || text.charCodeAt(cut - 1) === 0x0d)) cut--
  if (cut !== text.length) text = text.slice(0, cut)
  const elements = text.split(element)
  if (CONTROL.test(text)) {
    const bad = [...text].find((c) => CONTROL.test(c) && c !== element && c !== component)
    if (bad) return { tag: elements[0], elements, index, unreadable: controlProblem(elements, bad) }
  }
  return { tag: elements[0], elements, index }
}

// X12's character sets hold no control characters; only a separator may be one. A NUL in
// particular could never be stored (PostgreSQL text refuses it), so it is refused here, by name.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

function controlProblem(elements: string[], char: string): X12SegmentProblem {
  const position = Math.max(0, elements.findIndex((e) => e.includes(char)))
  const where = position === 0 ? 'the segment tag' : `${elements[0]}${String(position).padStart(2, '0')}`
  return { problem: `${where} contains the control character ${printable(char)}; X12 data may not hold control characters`, element: { position, code: '6' } }
}

/** The file does not start like X12: say what it starts with instead. */
function notX12(body: Buffer, pos: number): X12Error {
  if (pos >= body.length) return new X12Error(null, 'the file is empty: an X12 interchange starts with ISA')
  const start = printable(body.toString('utf8', pos, Math.min(body.length, pos + 24)), 24)
  return new X12Error(null, `not an X12 interchange: the file must start with "ISA", it starts with "${start}"`, { interchange: true })
}

/**
 * Yields every segment of every interchange in the file, in order. Throws X12Error when an ISA
 * cannot be read; what follows an IEA must be another ISA (or nothing but whitespace). Whether
 * the envelope adds up (counts, control numbers, trailers) is the envelope reader's job.
 */
export function* readSegments(body: Buffer): Generator<Segment, void, undefined> {
  let pos = skipWhitespace(body, skipBom(body))
  if (!startsWithIsa(body, pos)) throw notX12(body, pos)
  let index = 0
  for (;;) {
    pos = skipWhitespace(body, pos)
    if (pos >= body.length) return
    const isa = readIsa(body, pos, ++index)
    yield isa.segment
    pos = isa.end
    const element = isa.header.delimiters.element
    const terminator = Buffer.from(isa.header.delimiters.segment, 'utf8')
    for (;;) {
      pos = skipWhitespace(body, pos)
      if (pos >= body.length) return
      if (startsWithIsa(body, pos)) break
      const found = body.indexOf(terminator, pos)
      const end = found < 0 ? body.length : found
      const seg = toSegment(body, pos, end, element, isa.header.delimiters.component, ++index)
      pos = found < 0 ? body.length : found + terminator.length
      yield seg
      if (seg.tag === 'IEA') break
    }
  }
}

/** True when the IEA tag at `at` starts a segment (only whitespace back to the previous terminator). */
function startsSegment(body: Buffer, at: number, terminator: Buffer): boolean {
  let j = at
  for (;;) {
    if (j >= terminator.length && body.subarray(j - terminator.length, j).equals(terminator)) return true
    if (j === 0 || !isWhitespace(body[j - 1])) return false
    j--
  }
}

/** Offset just past the IEA segment of the interchange whose body starts at `from`; -1 when there is none. */
function findIeaEnd(body: Buffer, from: number, d: Delimiters): number {
  const needle = Buffer.from(`IEA${d.element}`, 'latin1')
  const terminator = Buffer.from(d.segment, 'utf8')
  for (let at = body.indexOf(needle, from); at >= 0; at = body.indexOf(needle, at + 1)) {
    if (!startsSegment(body, at, terminator)) continue
    const end = body.indexOf(terminator, at)
    return end < 0 ? body.length : end + terminator.length
  }
  return -1
}

/**
 * The ISA headers of a file, found without reading its segments (native byte search from each
 * ISA to its IEA): the sender and control numbers that identify it before it is stored. Stops
 * quietly at the first thing it cannot read; the full parse reports that.
 */
export function peekInterchanges(body: Buffer): InterchangeHeader[] {
  const heads: InterchangeHeader[] = []
  let pos = skipWhitespace(body, skipBom(body))
  try {
    while (startsWithIsa(body, pos)) {
      const isa = readIsa(body, pos, 1)
      heads.push(isa.header)
      const end = findIeaEnd(body, isa.end, isa.header.delimiters)
      if (end < 0) break
      pos = skipWhitespace(body, end)
    }
  } catch (err) {
    if (!(err instanceof X12Error)) throw err
  }
  return heads
}
