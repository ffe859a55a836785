import { UsageError, type CliContext, type Command, type CommandArgs } from './context.ts'
import { readAccuracy } from '../store/accuracy.ts'
import { ACCURACY_BY, MILESTONES, type AccuracyBy, type AccuracyFigures, type AccuracyReport, type MilestoneFigures } from '../domain/accuracy.ts'
import { addCalendarDays, localDay } from '../domain/calendar.ts'
import { isRealIsoDate } from '../util/dates.ts'

const USAGE = 'usage: wismo accuracy [--from DATE] [--to DATE] [--by supplier|carrier|lane|source] [--json]'

/** Without --from, the report covers 30 days: --to (default today, the store's) and the 29 before. */
export const DEFAULT_PERIOD_DAYS = 30

type Parsed = { from: string; to: string; by: AccuracyBy | null } | { problem: string }

function parseFlags(flags: CommandArgs['flags'], today: string): Parsed {
  for (const name of ['from', 'to'] as const) {
    const v = flags[name]
    if (v !== undefined && (typeof v !== 'string' || !isRealIsoDate(v))) return { problem: `--${name}: expected a date YYYY-MM-DD (got ${JSON.stringify(String(v))})` }
  }
  const by = flags.by
  if (by !== undefined && !(ACCURACY_BY as readonly unknown[]).includes(by)) {
    return { problem: `--by: expected one of ${ACCURACY_BY.join(', ')} (got ${JSON.stringify(String(by))})` }
  }
  const to = (flags.to as string | undefined) ?? today
  const from = (flags.from as string | undefined) ?? addCalendarDays(to, 1 - DEFAULT_PERIOD_DAYS)
  if (from > to) return { problem: `--from ${from} is after --to ${to}` }
  return { from, to, by: (by as AccuracyBy | undefined) ?? null }
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`)
const days = (v: number | null) => (v === null ? '—' : `${v} d`)
const COLUMNS = ['lines', 'on time', 'in window', 'median padding', 'median width', 'p90 late'] as const

function cells(f: AccuracyFigures): string[] {
  return [String(f.lines), pct(f.onTime), pct(f.inWindow), days(f.medianPaddingDays), days(f.medianWidthDays), days(f.lateDaysP90)]
}

function table(m: MilestoneFigures, indent: string): string[] {
  const rows = [['milestone', ...COLUMNS], ...MILESTONES.map((name) => [name, ...cells(m[name])])]
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  return rows.map((r) => indent + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
}

/** The text report, line by line (also printed by `wismo replay`). */
export function renderAccuracy(r: AccuracyReport, by: AccuracyBy | null): string[] {
  const out = [`Stated dates against deliveries, lines delivered ${r.from} to ${r.to} (the store's days)`, ...table(r.milestones, '')]
  for (const g of r.by) out.push('', `${by} ${g.key}`, ...table(g.milestones, '  '))
  out.push('', 'on time: delivered by the latest date stated; in window: within [earliest, latest]; padding: latest − delivered;',
    'width: latest − earliest + 1; p90 late: among late lines (days). ordered = first date stated, shipped = first once in transit,',
    'last = last before delivery; a line with no date at a milestone is left out of it.')
  return out
}

/** `wismo accuracy [--from DATE] [--to DATE] [--by supplier|carrier|lane|source] [--json]` (docs/accuracy.md). */
export const accuracyCommand: Command = async (ctx: CliContext, { positionals, flags }) => {
  if (positionals.length > 0) throw new UsageError(USAGE)
  const parsed = parseFlags(flags, localDay(ctx.clock.now(), ctx.config.timezone))
  if ('problem' in parsed) {
    ctx.err(parsed.problem)
    return 1
  }
  const db = await ctx.db()
  const report = await readAccuracy(db, { from: parsed.from, to: parsed.to, timeZone: ctx.config.timezone, country: ctx.config.country }, parsed.by)
  ctx.out(flags.json ? JSON.stringify(report, null, 2) : renderAccuracy(report, parsed.by).join('\n'))
  return 0
}
