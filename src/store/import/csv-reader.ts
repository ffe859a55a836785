import fs from 'node:fs'
import { Readable } from 'node:stream'
import { parse, type Info, type Options } from 'csv-parse'

/** One CSV record and the physical line of the file it starts on (the header is line 1). */
export interface CsvRecord {
  line: number
  fields: string[]
}

/** The file is not valid CSV from `line` on (an unclosed quote, a stray quote): reading stops there. */
export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message)
  }
}

/** The file could not be read (gone, a folder, no permission, a disk error). */
export class CsvReadError extends Error {}

const BREAKS = /\r\n|\r|\n/g
const LEADING_BREAKS = /^(?:\r\n|\r|\n)*/

function countBreaks(text: string): number {
  return text.match(BREAKS)?.length ?? 0
}

/**
 * Streams the records of a CSV file with their starting line numbers, holding only the current
 * chunk in memory. Line numbers are counted from each record's raw text rather than taken from
 * csv-parse's `info.lines`, which counts a CRLF inside a quoted field as two lines. (A record's
 * `raw` may also lack the LF of a CRLF delimiter, hence a lone CR counts as a break too.)
 */
export function readCsvRecords(
  file: string,
  onBytes: (bytesRead: number) => void = () => {},
  opts: { highWaterMark?: number } = {},
): AsyncGenerator<CsvRecord> {
  return readCsvStream(fs.createReadStream(file, { highWaterMark: opts.highWaterMark }), onBytes)
}

/**
 * The same records from a body already in memory (a supplier feed stored raw): every CSV wismo
 * reads goes through one reader, so quoting, BOMs and line numbers agree everywhere.
 */
export function readCsvText(body: string | Buffer, opts: { delimiter?: string } = {}): AsyncGenerator<CsvRecord> {
  return readCsvStream(Readable.from([typeof body === 'string' ? Buffer.from(body, 'utf8') : body]), undefined, opts.delimiter)
}

async function* readCsvStream(source: Readable, onBytes: (bytesRead: number) => void = () => {}, delimiter = ','): AsyncGenerator<CsvRecord> {
  let bytesRead = 0
  source.on('data', (chunk) => {
    bytesRead += chunk.length
    onBytes(bytesRead)
  })
  const parser = parse({
    bom: true,
    // A supplier profile may name another separator (`;` in many European exports).
    delimiter,
    raw: true,
    info: true,
    // Field counts are checked by the caller so that a short row is a reported problem, not a stop.
    relax_column_count: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n'],
    // On a syntax error the parser must not drop the records it parsed before it: kept alive,
    // it lets the loop below read them all and only then throw.
    autoDestroy: false,
  } as Options)
  // A read error of the file ends the parse (the records still buffered do not matter then).
  source.on('error', (err) => parser.destroy(err))
  source.pipe(parser)
  let breaksBefore = 0
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; raw: string; info: Info }>) {
      const line = breaksBefore + countBreaks(LEADING_BREAKS.exec(item.raw)![0]) + 1
      breaksBefore += countBreaks(item.raw)
      // No database text column can hold a NUL: a file that has one is binary or corrupt.
      const column = item.record.findIndex((f) => f.includes('\u0000'))
      if (column >= 0) throw new CsvSyntaxError(line, `field ${column + 1} holds a NUL byte (\\x00): this is not text; the file may be binary or corrupt`)
      yield { line, fields: item.record }
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw err
    throw toSyntaxError(err, breaksBefore)
  } finally {
    source.destroy()
    parser.destroy()
  }
}

// RFC 4180 as spreadsheets write it; each message says how to fix the file.
const SYNTAX_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field starts here and is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'malformed CSV: text after a closing quote (inside quotes, write a quote as "")',
  INVALID_OPENING_QUOTE: 'malformed CSV: a quote inside an unquoted field (quote the whole field and write the quote as "")',
}

function toSyntaxError(err: unknown, breaksBefore: number): unknown {
  const e = err as Error & { code?: string; raw?: string }
  const isCsv = typeof e.code === 'string' && (e.code.startsWith('CSV_') || e.code.startsWith('INVALID_'))
  if (!isCsv) return new CsvReadError(e.message, { cause: err })
  const line = breaksBefore + countBreaks(LEADING_BREAKS.exec(e.raw ?? '')![0]) + 1
  return new CsvSyntaxError(line, SYNTAX_PROBLEMS[e.code!] ?? `malformed CSV (${e.message.replace(/\s+/g, ' ').trim()})`)
}
