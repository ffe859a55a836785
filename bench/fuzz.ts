/**
 * X12 fuzzing at scale: BENCH_FUZZ_CASES (default 50,000) mutated copies of the X12 fixtures
 * (test/x12/mutate.ts, as test/x12/fuzz.test.ts does for 600) through the parser, and
 * BENCH_FUZZ_DB_CASES (default 5,000) through the real ingest path on PGlite and PostgreSQL. Every case must
 * end parsed/applied or refused/quarantined with a DomainError; anything else is listed by seed.
 */
import fs from 'node:fs'
import path from 'node:path'
import { DomainError } from '../src/domain/errors.ts'
import { parseX12 } from '../src/feeds/x12/reader.ts'
import { ingestSupplierFeed } from '../src/feeds/ingest-file.ts'
import { peekInterchanges } from '../src/feeds/x12/segments.ts'
import { fuzzCases, MUTATIONS, type FuzzCase } from '../test/x12/mutate.ts'
import { seedCatalog } from '../test/helpers/seed.ts'
import { databases, fmt, intEnv, log, machineLine, root, today, withBenchDb, type DbKind } from './common.ts'

export const FUZZ_HEADING = '## X12 fuzzing (issue 3)'
const CASES = intEnv('BENCH_FUZZ_CASES', 50_000)
const DB_CASES = intEnv('BENCH_FUZZ_DB_CASES', 5000)
const SEED = 20261127
const fixtures = path.join(root, 'test', 'fixtures', 'x12')

function samples(): { name: string; body: Buffer }[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
  return walk(fixtures).sort().map((f) => ({ name: path.relative(fixtures, f), body: fs.readFileSync(f) }))
}

const UNCLEAR = /undefined|NaN|\[object/

export interface FuzzRun {
  samples: number
  bytes: number
  parse: { cases: number; ms: number; parsed: number; refused: number; codes: Record<string, number>; unclear: string[]; failures: string[] }
  db: DbFuzz[]
}

interface DbFuzz { label: string; version: string; cases: number; ms: number; outcomes: Record<string, number>; leftReceived: number; failures: string[] }

function fuzzParser(list: { name: string; body: Buffer }[]): FuzzRun['parse'] {
  const out: FuzzRun['parse'] = { cases: 0, ms: 0, parsed: 0, refused: 0, codes: {}, unclear: [], failures: [] }
  // The cases are made before the clock starts: the figure is the parser's, not the mutator's.
  const cases = [...fuzzCases(list, SEED, CASES)]
  const t = performance.now()
  for (const c of cases) {
    out.cases++
    try {
      parseX12(c.body)
      out.parsed++
    } catch (err) {
      if (!(err instanceof DomainError)) {
        out.failures.push(`seed ${c.seed} (${c.sample}, ${c.kind}): ${(err as Error)?.stack?.split('\n').slice(0, 2).join(' ') ?? String(err)}`)
        continue
      }
      out.refused++
      out.codes[err.code] = (out.codes[err.code] ?? 0) + 1
      if (!err.message || UNCLEAR.test(err.message)) out.unclear.push(`seed ${c.seed}: ${err.message}`)
    }
  }
  out.ms = performance.now() - t
  log(`parser: ${fmt(out.cases)} cases in ${(out.ms / 1000).toFixed(1)} s (${fmt(out.cases / (out.ms / 1000))} cases/s): ` +
    `${fmt(out.parsed)} parsed, ${fmt(out.refused)} refused with a DomainError, ${out.failures.length} other, ${out.unclear.length} unclear reasons`)
  for (const f of out.failures.slice(0, 10)) log(`  FAILURE ${f}`)
  return out
}

/**
 * The sample with its interchange control numbers (ISA13, and IEA02 with it) made unique to case
 * `n`, so the database does not take most cases for replays of one another (the dedupe key is
 * sender + ISA13). Samples with no readable ISA are left as they are.
 */
function withControl(body: Buffer, n: number): Buffer {
  const heads = peekInterchanges(body)
  if (heads.length === 0) return body
  let text = body.toString('latin1') // byte for byte, whatever the encoding
  heads.forEach((h, k) => {
    const fresh = String((n * 10 + k) % 1_000_000_000).padStart(9, '0')
    text = text.split(`${h.delimiters.element}${h.control}`).join(`${h.delimiters.element}${fresh}`)
  })
  return Buffer.from(text, 'latin1')
}

/** Case i of fuzzCases(list, seed, …), mutated from samples whose control numbers are unique to it. */
function dbCases(list: { name: string; body: Buffer }[], seed: number, count: number): FuzzCase[] {
  return Array.from({ length: count }, (_, i) => {
    const own = list.map((x) => ({ name: x.name, body: withControl(x.body, i + 1) }))
    const [c] = fuzzCases(own, seed + i, 1)
    return c
  })
}

async function fuzzDb(kind: DbKind, list: { name: string; body: Buffer }[]): Promise<DbFuzz | null> {
  return withBenchDb(kind, { poolSize: 4 }, async (b) => {
    await seedCatalog(b.db)
    const outcomes: Record<string, number> = {}
    const failures: string[] = []
    const cases = dbCases(list, SEED + 1_000_000, DB_CASES)
    const t = performance.now()
    for (const c of cases) {
      try {
        const o = await ingestSupplierFeed(b.db, {
          body: c.body, filename: `${path.basename(c.sample)}.edi`, supplierId: 'ACME', source: 'fuzz', receivedAt: new Date('2025-06-16T12:00:00Z'),
        })
        outcomes[o.outcome] = (outcomes[o.outcome] ?? 0) + 1
      } catch (err) {
        failures.push(`seed ${c.seed} (${c.sample}, ${c.kind}): ${(err as Error)?.message ?? String(err)}`)
      }
    }
    const ms = performance.now() - t
    const [{ n }] = await b.db.query<{ n: number }>("SELECT count(*)::int AS n FROM inbound_messages WHERE status = 'received'")
    log(`ingest on ${b.label}: ${fmt(cases.length)} cases in ${(ms / 1000).toFixed(1)} s (${fmt(cases.length / (ms / 1000))} cases/s): ` +
      `${Object.entries(outcomes).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}; ${failures.length} threw; ${n} left 'received'`)
    for (const f of failures.slice(0, 10)) log(`  FAILURE ${f}`)
    return { label: b.label, version: b.version, cases: cases.length, ms, outcomes, leftReceived: n, failures }
  })
}

export async function benchFuzz(): Promise<FuzzRun> {
  log(`\n== X12 fuzzing: ${fmt(CASES)} cases through the parser, ${fmt(DB_CASES)} through ingest on each database`)
  const list = samples()
  const parse = fuzzParser(list)
  const db: DbFuzz[] = []
  for (const kind of databases()) {
    const r = await fuzzDb(kind, list)
    if (r) db.push(r)
  }
  return { samples: list.length, bytes: list.reduce((s, x) => s + x.body.length, 0), parse, db }
}

export function fuzzSection(r: FuzzRun, loadAvg: number): string {
  const p = r.parse
  const codes = Object.entries(p.codes).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${fmt(n)}`).join(', ')
  const verdict = (failures: string[]) => (failures.length === 0 ? 'none' : `**${failures.length}**: ${failures.slice(0, 5).map((f) => `\`${f}\``).join('; ')}`)
  return [
    FUZZ_HEADING,
    '',
    `Measured ${today()} by \`npm run bench\` (bench/fuzz.ts, \`BENCH_SUITES=fuzz\`). Aim: every mutated file is read or refused ` +
      'with a DomainError that says why; nothing else escapes.',
    '',
    '| path | cases | time | cases/s | read / applied | refused / quarantined | duplicate | anything else |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    `| parser (\`parseX12\`) | ${fmt(p.cases)} | ${(p.ms / 1000).toFixed(1)} s | ${fmt(p.cases / (p.ms / 1000))} | ${fmt(p.parsed)} | ${fmt(p.refused)} | – | ${verdict(p.failures)} |`,
    ...r.db.map((d) => `| ingest (\`ingestSupplierFeed\`, ${d.label}) | ${fmt(d.cases)} | ${(d.ms / 1000).toFixed(1)} s | ${fmt(d.cases / (d.ms / 1000))} | ` +
      `${fmt(d.outcomes.applied ?? 0)} | ${fmt(d.outcomes.quarantined ?? 0)} | ${fmt(d.outcomes.duplicate ?? 0)} | ${verdict(d.failures)} |`),
    '',
    `- Refusals by code: ${codes}. Reasons that read badly (empty, or containing "undefined", "NaN", "[object"): ${p.unclear.length === 0 ? 'none' : `${p.unclear.length}, e.g. \`${p.unclear[0]}\``}.`,
    ...(r.db.length ? [`- Through the database no message was left half-done: ${r.db.map((d) => `${d.label} ${d.leftReceived}`).join(', ')} rows still \`received\`. ` +
      'Each database case gets interchange control numbers of its own before it is mutated, so cases are not replays of one another; ' +
      'a duplicate is left only where a mutation made two cases alike (same sender and control, or the same bytes). ' +
      (r.db.length > 1 && r.db.every((d) => JSON.stringify(d.outcomes) === JSON.stringify(r.db[0].outcomes))
        ? 'Both databases saw the same cases and gave the same outcomes.' : 'The databases saw the same cases.')] : []),
    '',
    machineLine(loadAvg, r.db.map((d) => ({ label: d.label, version: d.version }))),
    '',
    `**Method.** ${r.samples} fixture files (${fmt(r.bytes)} bytes, test/fixtures/x12: 846, 855, 856, 214, 850 and broken ones) mutated by ` +
      `\`fuzzCases\` from test/x12/mutate.ts (${MUTATIONS.length} kinds: ${MUTATIONS.join(', ')}; 30 % of cases stack a second one), seed ${SEED}, ` +
      'each case replayable from its seed. The parser figure times `parseX12` over cases made beforehand (making them is not timed). ' +
      `The ingest figures run another ${fmt(r.db[0]?.cases ?? 0)} cases (seed ${SEED + 1_000_000} on, with unique ISA13s) one after another into one database of each kind with a small ` +
      'catalog (test/helpers/seed.ts), as `--supplier ACME`: each is stored raw, read and applied in one transaction or quarantined, and answered with a 997.',
    '',
  ].join('\n')
}
