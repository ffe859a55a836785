import cliProgress from 'cli-progress'
import { UsageError, type CliContext, type Command, type CommandArgs } from './context.ts'
import { renderAccuracy } from './accuracy.ts'
import { readAccuracy } from '../store/accuracy.ts'
import { localDay } from '../domain/calendar.ts'
import { ACCURACY_BY, type AccuracyBy } from '../domain/accuracy.ts'
import { calendarFrom } from '../status/calendar-config.ts'
import { signingSecret } from '../store/secret.ts'
import { readManifest } from '../replay/manifest.ts'
import { parseDuration, planReplay, type ReplayStep } from '../replay/plan.ts'
import { runReplay, type ReplaySummary } from '../replay/run-replay.ts'
import type { SignedConfig } from '../outreach/outreach-config.ts'

const USAGE = 'usage: wismo replay DIR [--sweep-every 6h] [--by supplier|carrier|lane|source] [--json]'
const DEFAULT_EVERY = '6h'

/** The store's settings with every outside channel off: a replay writes its messages to the outbox folder only. */
function outboxOnly(config: SignedConfig): SignedConfig {
  return { ...config, smtpUrl: undefined, twilioAccountSid: undefined, twilioAuthToken: undefined, twilioFrom: undefined, retailerWebhookUrl: undefined }
}

function summaryLines(dir: string, every: string, steps: ReplayStep[], s: ReplaySummary, outbox: string): string[] {
  const files = s.files.applied + s.files.duplicate + s.files.quarantined
  const skipped = s.sweepsSkipped > 0 ? ` (${s.sweepsSkipped} left out: this database was already replayed past them)` : ''
  return [
    `replayed ${dir}: ${files} files from ${steps[0].at.toISOString()} to ${steps.at(-1)!.at.toISOString()}: ` +
      `${s.files.applied} applied, ${s.files.duplicate} duplicates (already taken in), ${s.files.quarantined} quarantined`,
    `${s.sweeps} sweeps, one every ${every}${skipped}; ${s.notices} delay notices; ${s.queued} messages queued, ${s.sent} written to ${outbox}`,
    ...s.quarantined.map((q) => `  ${q.file} (manifest.csv line ${q.line}): quarantined: ${q.reason}`),
  ]
}

function progressBar(ctx: CliContext, total: number): { update(n: number): void; stop(): void } | null {
  if (!ctx.isTTY || total === 0) return null
  const bar = new cliProgress.SingleBar(
    { format: 'replaying {bar} {percentage}% | {value}/{total} steps | {eta_formatted} left', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  )
  bar.start(total, 0)
  return { update: (n) => bar.update(n), stop: () => bar.stop() }
}

interface Options { dir: string; every: string; everyMs: number; by: AccuracyBy | null }

/** The command's arguments, or the one-line reason they are refused (a bad --sweep-every is usage: exit 2). */
function parseOptions({ positionals, flags }: CommandArgs): Options | { problem: string } {
  const [dir, ...rest] = positionals
  if (!dir || rest.length > 0) throw new UsageError(USAGE)
  const every = typeof flags['sweep-every'] === 'string' ? flags['sweep-every'] : DEFAULT_EVERY
  const everyMs = parseDuration(every)
  if (everyMs === null) throw new UsageError(`--sweep-every: expected a duration like 30m, 6h or 1d (got ${JSON.stringify(every)})\n${USAGE}`)
  const by = flags.by ?? null
  if (by !== null && !(ACCURACY_BY as readonly unknown[]).includes(by)) return { problem: `--by: expected one of ${ACCURACY_BY.join(', ')} (got ${JSON.stringify(String(by))})` }
  return { dir, every, everyMs, by: by as AccuracyBy | null }
}

/**
 * Plays the steps into the database (messages to the outbox only), a bar on a terminal. The
 * calendar's country holidays cover the replayed span, however far from today it lies.
 */
async function play(ctx: CliContext, steps: ReplayStep[]): Promise<{ summary: ReplaySummary; outbox: string }> {
  const db = await ctx.db()
  const config = outboxOnly({ ...ctx.config, secret: await signingSecret(db, ctx.config.secret) })
  const bar = progressBar(ctx, steps.length)
  try {
    return { summary: await runReplay({ db, config, calendar: await calendarFrom(db, ctx.config, [steps[0].at, steps.at(-1)!.at]) }, steps, bar?.update), outbox: config.outboxDir }
  } finally {
    bar?.stop()
  }
}

/**
 * `wismo replay DIR [--sweep-every 6h] [--json]` (docs/operations.md "Backtesting with wismo
 * replay"): the clock is the manifest's (`--now` / WISMO_NOW are not used). The accuracy report
 * covers the replayed span: the store's days from the first arrival to the last sweep (`--by` as
 * `wismo accuracy`'s).
 */
export const replayCommand: Command = async (ctx, args) => {
  const opts = parseOptions(args)
  if ('problem' in opts) {
    ctx.err(opts.problem)
    return 1
  }
  const zone = ctx.config.timezone
  // Checked whole before the database is even opened: a bad manifest changes nothing.
  const manifest = await readManifest(opts.dir, zone)
  if ('problems' in manifest) {
    for (const p of manifest.problems) ctx.err(p)
    return 1
  }
  const steps = planReplay(manifest.arrivals, opts.everyMs, zone)
  if (steps.length === 0) {
    ctx.err('manifest.csv line 2: no files listed (expected one row per file: at,kind,file,supplier)')
    return 1
  }
  const { summary, outbox } = await play(ctx, steps)
  const period = { from: localDay(steps[0].at, zone), to: localDay(steps.at(-1)!.at, zone), timeZone: zone, country: ctx.config.country }
  const report = await readAccuracy(await ctx.db(), period, opts.by)
  const lines = summaryLines(opts.dir, opts.every, steps, summary, outbox)
  if (args.flags.json) {
    for (const l of lines) ctx.err(l)
    ctx.out(JSON.stringify(report, null, 2))
  } else {
    ctx.out([...lines, '', ...renderAccuracy(report, opts.by)].join('\n'))
  }
  return 0
}
