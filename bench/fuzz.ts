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

export function samples(): { name: string; body: Buffer }[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
  return walk(fixtures).sort().map((f) => ({ name: path.relative(fixtures, f), body: fs.readFileSync(f) }))
}

// A NUL cannot be stored in a PostgreSQL text column: a reason holding one cannot be recorded.
const UNCLEAR = /undefined|NaN|\[object|\u0000/

export interface FuzzRun {
  samples: number
  bytes: number
  parse: { cases: number; ms: number; parsed: number; refused: number; codes: Record<string, number>; unclear: string[]; failures: string[] }
  db: DbFuzz[]
}

interface DbFuzz {
  label: string
  version: string
  notes: string
  /** Cases planned, and run (fewer when the database connection was lost). */
  cases: number
  run: number
  ms: number
  outcomes: Record<string, number>
  /** Messages left 'received' (null: could not be asked, the connection was lost). */
  leftReceived: number | null
  failures: string[]
  lostAt: string | null
  poolErrors: string[]
}

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
      // The whole reason, as ingestMessage records it when it quarantines the file.
      const reason = [err.message, ...err.details].join('; ')
      if (!err.message || UNCLEAR.test(reason)) out.unclear.push(`seed ${c.seed}: ${reason}`)
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
export function dbCases(list: { name: string; body: Buffer }[], seed: number, count: number): FuzzCase[] {
  return Array.from({ length: count }, (_, i) => {
    const own = list.map((x) => ({ name: x.name, body: withControl(x.body, i + 1) }))
    const [c] = fuzzCases(own, seed + i, 1)
    return c
  })
}

// The database connection itself is gone (not one statement refused): the cases after it would all fail the same way.
const CONNECTION_LOST = /Connection terminated|unexpected \w+ message from backend|not queryable|Client was closed|Cannot use a pool after/i

async function fuzzDb(kind: DbKind, list: { name: string; body: Buffer }[]): Promise<DbFuzz | null> {
  return withBenchDb(kind, { poolSize: 4 }, async (b) => {
    await seedCatalog(b.db)
    // An idle client's error is re-emitted by the pool; without a listener it would end this process.
    const poolErrors: string[] = []
    b.db.pool.on('error', (err) => void poolErrors.push(err.message))
    const outcomes: Record<string, number> = {}
    const failures: string[] = []
    const cases = dbCases(list, SEED + 1_000_000, DB_CASES)
    let run = 0
    let lostAt: string | null = null
    const t = performance.now()
    for (const c of cases) {
      run++
      try {
        const o = await ingestSupplierFeed(b.db, {
          body: c.body, filename: `${path.basename(c.sample)}.edi`, supplierId: 'ACME', source: 'fuzz', receivedAt: new Date('2025-06-16T12:00:00Z'),
        })
        outcomes[o.outcome] = (outcomes[o.outcome] ?? 0) + 1
      } catch (err) {
        const message = (err as Error)?.message ?? String(err)
        failures.push(`seed ${c.seed} (${c.sample}, ${c.kind}): ${message}`)
        if (CONNECTION_LOST.test(message)) {
          lostAt = `seed ${c.seed}`
          break
        }
      }
    }
    const ms = performance.now() - t
    const n = lostAt ? null : (await b.db.query<{ n: number }>("SELECT count(*)::int AS n FROM inbound_messages WHERE status = 'received'"))[0].n
    log(`ingest on ${b.label}: ${fmt(run)} of ${fmt(cases.length)} cases in ${(ms / 1000).toFixed(1)} s (${fmt(run / (ms / 1000))} cases/s): ` +
      `${Object.entries(outcomes).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}; ${failures.length} threw; ` +
      `${n === null ? `the database connection was lost at ${lostAt}, stopped` : `${n} left 'received'`}` +
      (poolErrors.length ? `; pool errors: ${[...new Set(poolErrors)].join(' / ')}` : ''))
    for (const f of failures.slice(0, 10)) log(`  FAILURE ${f}`)
    return {
      label: b.label, version: b.version, notes: b.notes, cases: cases.length, run, ms, outcomes, leftReceived: n, failures, lostAt,
      poolErrors: [...new Set(poolErrors)],
    }
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
  const seedOf = (f: string) => /^seed (\d+)/.exec(f)?.[1] ?? '?'
  const verdict = (failures: string[]) => (failures.length === 0 ? 'none' : `**${failures.length}**: seeds ${failures.map(seedOf).join(', ')}`)
  /** Failures grouped by what was thrown: "4 × message (seeds …)". */
  const grouped = (failures: string[]) => {
    const by = new Map<string, string[]>()
    for (const f of failures) {
      const what = f.replace(/^seed \d+ \([^)]*\): /, '')
      by.set(what, [...(by.get(what) ?? []), `${seedOf(f)} (${/\(([^)]*)\)/.exec(f)?.[1] ?? ''})`])
    }
    return [...by].map(([what, seeds]) => `${seeds.length} × \`${what}\` (seed ${seeds.join('; ')})`).join('; ')
  }
  return [
    FUZZ_HEADING,
    '',
    `Measured ${today()} by \`npm run bench\` (bench/fuzz.ts, \`BENCH_SUITES=fuzz\`). Aim: every mutated file is read or refused ` +
      'with a DomainError that says why; nothing else escapes.',
    '',
    '| path | cases run | time | cases/s | read / applied | refused / quarantined | duplicate | anything else (threw) |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    `| parser (\`parseX12\`) | ${fmt(p.cases)} | ${(p.ms / 1000).toFixed(1)} s | ${fmt(p.cases / (p.ms / 1000))} | ${fmt(p.parsed)} | ${fmt(p.refused)} | – | ${verdict(p.failures)} |`,
    ...r.db.map((d) => `| ingest (\`ingestSupplierFeed\`, ${d.label}) | ${fmt(d.run)}${d.run < d.cases ? ` of ${fmt(d.cases)}` : ''} | ${(d.ms / 1000).toFixed(1)} s | ` +
      `${fmt(d.run / (d.ms / 1000))} | ${fmt(d.outcomes.applied ?? 0)} | ${fmt(d.outcomes.quarantined ?? 0)} | ${fmt(d.outcomes.duplicate ?? 0)} | ${verdict(d.failures)} |`),
    '',
    `- **Parser:** ${p.failures.length === 0 ? 'every case ended read or refused with a DomainError' : `${p.failures.length} cases threw something else`}. ` +
      `Refusals by code: ${codes}. Reasons that read badly (empty, or containing "undefined", "NaN", "[object" or a NUL character, ` +
      `which a PostgreSQL text column cannot hold): ${p.unclear.length === 0 ? 'none' : `**${p.unclear.length}**, e.g. \`${JSON.stringify(p.unclear[0]).slice(1, -1).slice(0, 300)}\``}.`,
    ...r.db.map((d) => `- **Ingest, ${d.label}:** ` + (d.failures.length === 0
      ? `every case ended applied, quarantined or duplicate; ${d.leftReceived} messages left \`received\`.`
      : `**aim not met**: ${fmt(d.failures.length)} cases threw instead of ending quarantined: ${grouped(d.failures)}` +
        (d.lostAt ? `, and the database connection was lost at ${d.lostAt}: the remaining ${fmt(d.cases - d.run)} cases were not run` +
          (d.poolErrors.length ? ` (the pool also reported, from an idle client: "${d.poolErrors[0]}"; without a listener on the pool's error event that ends the process)` : '') : '') +
        `. ${d.leftReceived === null ? '' : `${d.leftReceived} messages left \`received\`. `}`)),
    ...(r.db.length ? ['- Each database case gets interchange control numbers of its own before it is mutated, so cases are not replays of one another; ' +
      'a duplicate is left only where a mutation made two cases alike (same sender and control, or the same bytes).'] : []),
    '',
    machineLine(loadAvg, r.db.map((d) => ({ label: d.label, version: d.version, notes: d.notes }))),
    '',
    `**Method.** ${r.samples} fixture files (${fmt(r.bytes)} bytes, test/fixtures/x12: 846, 855, 856, 214, 850 and broken ones) mutated by ` +
      `\`fuzzCases\` from test/x12/mutate.ts (${MUTATIONS.length} kinds: ${MUTATIONS.join(', ')}; 30 % of cases stack a second one), seed ${SEED}, ` +
      'each case replayable from its seed. The parser figure times `parseX12` over cases made beforehand (making them is not timed). ' +
      `The ingest figures run up to ${fmt(r.db[0]?.cases ?? 0)} other cases (seed ${SEED + 1_000_000} on, with unique ISA13s) one after another into one database of each kind with a small ` +
      'catalog (test/helpers/seed.ts), as `--supplier ACME`: each is stored raw, read and applied in one transaction or quarantined, and answered with a 997.',
    '',
  ].join('\n')
}
