import { UsageError, type Command } from './context.ts'
import { demoExamples, loadDemo } from '../demo/load-demo.ts'
import { demoAlternativeToTry, describeAlternativeToTry } from '../demo/alternative-example.ts'
import { calendarFrom } from '../status/calendar-config.ts'
import { DEFAULT_SEED } from '../demo/generate.ts'
import { DomainError } from '../domain/errors.ts'
import { signingSecret } from '../store/secret.ts'

const WHAT: Record<string, string> = {
  easy: 'slow to ship, now in transit with tracking',
  intermediate: 'was backordered; the supplier restocked and shipped it',
  ugly: 'backordered, the supplier’s date is weeks out',
}

function parseSeed(raw: string | boolean | undefined): number {
  if (raw === undefined) return DEFAULT_SEED
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw.trim())) throw new UsageError('--seed must be a whole number (e.g. --seed 7)')
  return Number(raw)
}

/**
 * `wismo demo [--seed N]` — loads the demo data set as of `--now` into an empty database and
 * shows the three example orders. With orders already there it changes nothing and says so.
 */
export const demoCommand: Command = async (ctx, { positionals, flags }) => {
  if (positionals.length > 0) throw new UsageError('usage: wismo demo [--seed N]')
  const seed = parseSeed(flags.seed)
  const db = await ctx.db()
  const refused = async () => {
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders')
    ctx.out(`The database already has ${n} orders; the demo loads only into an empty one. Nothing changed.`)
    return 0
  }
  const [{ any }] = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM orders) AS any')
  if (any) return refused()
  const now = ctx.clock.now()
  let r
  try {
    r = await loadDemo(db, { now, seed, config: ctx.config, log: ctx.err })
  } catch (err) {
    // Another loader got there first (two `wismo demo` against one server).
    if (err instanceof DomainError && err.code === 'DEMO_NOT_EMPTY') return refused()
    throw err
  }
  ctx.out(`Loaded the demo as of ${now.toISOString()} (seed ${seed}): ${r.orders} orders (${r.lines} lines), ` +
    `${r.feeds} supplier status feeds, ${r.events} carrier events.`)
  ctx.out('Example orders (look one up with its order number and email):')
  const examples = await demoExamples(db, now)
  for (const e of examples) ctx.out(`  ${e.label.padEnd(13)} ${e.orderNumber}  ${e.email.padEnd(36)} ${WHAT[e.label] ?? ''}`)
  if (examples[0]) ctx.out(`Try: wismo status ${examples[0].orderNumber}`)
  const alt = await demoAlternativeToTry(db, examples, { now, calendar: await calendarFrom(db, ctx.config, now), secret: await signingSecret(db, ctx.config.secret) })
  if (alt) ctx.out(`Alternative: ${describeAlternativeToTry(alt)} — try: ${alt.command}`)
  return 0
}
