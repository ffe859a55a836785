import { UsageError, type Command, type CommandArgs } from './context.ts'
import { addCalendarDays, localDay } from '../domain/calendar.ts'
import { isRealIsoDate } from '../util/dates.ts'
import { simulateWorld, type SimOptions } from '../simulate/simulate.ts'
import { buildFolder } from '../simulate/files.ts'
import { outProblem, writeFolder } from '../simulate/write-folder.ts'

const USAGE = 'usage: wismo simulate --days N --out DIR [--seed 1] [--start YYYY-MM-DD] [--orders-per-day 10]'
const MAX_DAYS = 3660

const text = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

/** A whole number in [min, max] from a flag, or the one-line reason it is not. */
function wholeNumber(name: string, value: string, min: number, max: number): number | string {
  const n = /^\d{1,10}$/.test(value.trim()) ? Number(value) : NaN
  return Number.isInteger(n) && n >= min && n <= max ? n : `--${name}: expected a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`
}

/** The options, or every reason they are refused; a missing --days or --out is usage (exit 2). */
function parseOptions({ positionals, flags }: CommandArgs, today: string, zone: string): { options: SimOptions; out: string } | { problems: string[] } {
  const daysText = text(flags.days)
  const out = text(flags.out)
  if (positionals.length > 0 || daysText === undefined || !out) throw new UsageError(`${!out && daysText !== undefined ? 'simulate: --out DIR is required\n' : ''}${USAGE}`)
  const problems: string[] = []
  const days = wholeNumber('days', daysText, 1, MAX_DAYS)
  const seed = wholeNumber('seed', text(flags.seed) ?? '1', 0, 0xffffffff)
  const perDayText = text(flags['orders-per-day']) ?? '10'
  const perDay = Number(perDayText)
  if (!(/^\d+(\.\d+)?$/.test(perDayText.trim()) && perDay > 0 && perDay <= 10_000)) problems.push(`--orders-per-day: expected a number above 0, at most 10000 (got ${JSON.stringify(perDayText)})`)
  for (const v of [days, seed]) if (typeof v === 'string') problems.push(v)
  const startText = text(flags.start)
  if (startText !== undefined && !isRealIsoDate(startText)) problems.push(`--start: expected a date YYYY-MM-DD (got ${JSON.stringify(startText)})`)
  const problem = outProblem(out)
  if (problem) problems.push(problem)
  if (problems.length > 0) return { problems }
  const start = startText ?? addCalendarDays(today, -(days as number))
  return { options: { days: days as number, seed: seed as number, start, ordersPerDay: perDay, zone }, out }
}

/**
 * `wismo simulate --days N --out DIR [--seed S] [--start DAY] [--orders-per-day N]`
 * (docs/operations.md "Simulating a retailer"): a replay folder for a made-up retailer, with the
 * truth beside it. Same arguments (and store zone), same bytes. Without --start the history ends
 * the day before the clock's today (--now / WISMO_NOW).
 */
export const simulateCommand: Command = async (ctx, args) => {
  const zone = ctx.config.timezone
  const parsed = parseOptions(args, localDay(ctx.clock.now(), zone), zone)
  if ('problems' in parsed) {
    for (const p of parsed.problems) ctx.err(p)
    return 1
  }
  const { options, out } = parsed
  const world = simulateWorld(options)
  const folder = buildFolder(world)
  writeFolder(out, folder)
  const c = folder.counts
  ctx.out(
    `simulated ${options.days} days from ${options.start} to ${world.end} (seed ${options.seed}, ${zone}): ${c.suppliers} suppliers, ` +
      `${c.products} products, ${c.orders} orders, ${c.lines} lines (${c.backordered} backordered, ${c.shipped} shipped, ${c.delivered} delivered); ` +
      `${c.files} files in ${out}/manifest.csv; the truth in ${out}/truth.csv`,
  )
  return 0
}
