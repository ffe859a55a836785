import PgBoss from 'pg-boss'
import { learnSettings } from './learn-etas.ts'
import type { Db } from '../store/db.ts'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import { runSweep } from './sweep.ts'
import { calendarFrom } from '../status/calendar-config.ts'
import { runSupplierCheck } from './supplier-check.ts'
import { dispatchAllDue } from '../notify/dispatch.ts'
import { channelsFrom, outreachOptionsFrom } from '../outreach/outreach-config.ts'
import { scanInbox } from '../feeds/inbox.ts'
import { createEasyPostApi } from '../carriers/carrier-api.ts'
import { refreshStaleShipments } from './carrier-refresh.ts'
import { finishUnfinished } from '../feeds/finish-inbound.ts'
import { exportPurchasingDocuments } from '../purchasing/export.ts'
import type { Channels } from '../notify/dispatch.ts'
import { signingSecret } from '../store/secret.ts'
import { platformRound } from '../connect/round.ts'
import { pollDueMailboxes } from '../transports/imap.ts'
import { pollDueTransports } from '../transports/sftp.ts'

/** Recurring jobs: name, how often, and what one run does. */
export interface RecurringJob {
  name: string
  /** 0: never offered on a tick, only when another job asks for it (sweep.help). */
  everySeconds: number
  run: (data?: unknown) => Promise<unknown>
  /** Not taken by a process that is running one of these (it has its hands full with the same work). */
  notWhileBusy?: string[]
}

/** How a job asks for another (startWorkers passes pg-boss's send; absent, nothing is offered). */
export type OfferJob = (name: string, data: object, opts: { singletonKey: string; singletonSeconds: number }) => Promise<void>

export interface Workers {
  /** One round: offer what is due, run what is queued, scan the inbox. The timers call it; tests call it by hand. */
  tick(): Promise<void>
  stop(): Promise<void>
}

export interface WorkerDeps {
  clock: Clock
  config: Config
  log?: (s: string) => void
  schema?: string
  /** No timers: the caller drives the workers with `tick()` (tests, moving a TestClock). */
  manual?: boolean
}

const JOB_POLL_MS = 2_000

/**
 * Starts the background workers on a PostgreSQL-backed queue (pg-boss). Every process ticks and
 * *offers* each recurring job with a singleton key per interval, so however many `wismo worker`
 * processes run against one database, each job runs once per interval, on whichever is free.
 *
 * Nothing here may end the process: a dropped connection or a cancelled statement fails the job
 * or the file at hand (pg-boss retries the job with backoff; the inbox keeps the file and retries
 * it, see inbox.ts), is logged, and the next tick carries on with a fresh connection.
 */
export async function startWorkers(db: Db, deps: WorkerDeps): Promise<Workers> {
  const log = deps.log ?? (() => {})
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => db.pool.query(text, values as unknown[]) },
    schema: deps.schema ?? 'pgboss',
    supervise: true,
    schedule: false,
  })
  boss.on('error', (err) => log(`queue: ${err.message}`))
  await boss.start()
  const offer: OfferJob = async (name, data, opts) => {
    await boss.send(name, data, { ...opts, retryLimit: 0 }).catch((err: Error) => log(`queue: cannot offer ${name}: ${err.message}`))
  }
  const jobs = recurringJobs(db, { ...deps, offer })
  for (const job of jobs) await boss.createQueue(job.name)
  const runJobs = jobRunner(boss, jobs, deps.clock, log)
  const scan = inboxScanner(db, deps, log)
  // Side by side, as their timers run them: a job stuck on a lock does not hold up the inbox.
  const tick = async () => void (await Promise.all([runJobs(), scan()]))
  if (deps.manual) return { tick, stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }) }
  // Rounds in flight, so that stop() lets them finish; the first starts now, in the background.
  const inFlight = new Set<Promise<void>>()
  const track = (p: Promise<void>) => (inFlight.add(p), void p.then(() => inFlight.delete(p), () => inFlight.delete(p)))
  track(runJobs())
  const jobTimer = setInterval(() => track(runJobs()), JOB_POLL_MS)
  // The inbox is a folder on this machine (or a shared mount): every process scans it, and the
  // rename-claim in scanInbox makes sure each file is taken in once.
  const inboxTimer = setInterval(() => track(scan()), deps.config.inboxIntervalSeconds * 1000)
  return {
    tick,
    async stop() {
      clearInterval(jobTimer)
      clearInterval(inboxTimer)
      await Promise.all(inFlight)
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 })
    },
  }
}

/**
 * Offers every job for the current interval, then runs what the queue hands this process. The
 * singleton key names the interval by the injected clock (so a test that moves its clock gets
 * the next run) and pg-boss's singleton slot by the database's clock (so a clock pinned with
 * `--now` still sweeps every interval); a run that fails is failed in pg-boss, which retries it.
 */
function jobRunner(boss: PgBoss, jobs: RecurringJob[], clock: Clock, log: (s: string) => void): () => Promise<void> {
  const busy = new Set<string>()
  const runOne = async (job: RecurringJob) => {
    if (busy.has(job.name) || job.notWhileBusy?.some((n) => busy.has(n))) return
    busy.add(job.name)
    try {
      for (const { id, data } of await boss.fetch(job.name)) {
        try {
          log(`${job.name}: ${JSON.stringify(await job.run(data))}`)
          await boss.complete(job.name, id)
        } catch (err) {
          log(`${job.name} failed (will be retried): ${(err as Error).message}`)
          await boss.fail(job.name, id, { message: (err as Error).message })
        }
      }
    } catch (err) {
      log(`queue: ${job.name}: ${(err as Error).message}`)
    } finally {
      busy.delete(job.name)
    }
  }
  return async () => {
    for (const job of jobs) {
      if (job.everySeconds === 0) continue
      const slot = Math.floor(clock.now().getTime() / (job.everySeconds * 1000))
      await boss
        .send(job.name, {}, { singletonKey: `${job.name}@${slot}`, singletonSeconds: job.everySeconds, retryLimit: 3, retryBackoff: true })
        .catch((err: Error) => log(`queue: cannot offer ${job.name}: ${err.message}`))
    }
    await Promise.all(jobs.map(runOne))
  }
}

/** One inbox scan at a time per process; every file's outcome and every failure is logged. */
function inboxScanner(db: Db, deps: WorkerDeps, log: (s: string) => void): () => Promise<void> {
  let scanning = false
  return async () => {
    if (scanning) return
    scanning = true
    try {
      const r = await scanInbox(db, { inboxDir: deps.config.inboxDir, clock: deps.clock })
      for (const f of r.files) log(`inbox ${f.supplierId}/${f.file}: ${f.outcome} (message ${f.messageId})`)
      for (const f of r.failed) log(`inbox ${f.supplierId}/${f.file}: not taken in (${f.error}); kept in processing/, retried after ${f.retryAfterScans} scan(s)`)
    } catch (err) {
      log(`inbox: ${(err as Error).message}`)
    } finally {
      scanning = false
    }
  }
}

/** The recurring jobs this configuration asks for (exported so tests can see which are on). */
export function recurringJobs(db: Db, deps: { clock: Clock; config: Config; log?: (s: string) => void; offer?: OfferJob }): RecurringJob[] {
  const { clock, config } = deps
  // Messages are signed with WISMO_SECRET or the secret kept with the database, read when first needed.
  const signed = async () => ({ ...config, secret: await signingSecret(db, config.secret) })
  let channels: Channels | null = null
  const dispatch = async () => {
    channels ??= channelsFrom(await signed(), clock)
    return dispatchAllDue(db, channels, { now: clock.now(), from: config.mailFrom, concurrency: 4, quietHours: { startHour: config.quietStartHour, endHour: config.quietEndHour } })
  }
  /**
   * One sweep pass, or a helper's share of it. A pass bigger than one batch asks the next process
   * to join (sweep.help: the lines are claimed with SKIP LOCKED, so the workers split them), and
   * each process in it sends what its outreach batches queue while it sweeps, rather than at the
   * next outreach.dispatch: with many orders told at once, that wait was most of their latency.
   */
  const sweep = async (helper: number) => {
    // Messages a stopped process left half-done are finished first, so this sweep sees their lines.
    const unfinished = helper === 0 ? await finishUnfinished(db, { now: clock.now(), log: deps.log }) : undefined
    const now = clock.now()
    // Said when it starts (the end is logged with the result): a pass of many orders takes a while.
    deps.log?.(`${helper === 0 ? 'sweep.run' : `sweep.help #${helper}`}: started`)
    let sweeping = true
    let sent = 0
    let sending: Promise<void> | null = null
    const onBacklog = () => {
      if (deps.offer && helper + 1 < SWEEP_PROCESSES) {
        void deps.offer('sweep.help', { helper: helper + 1 }, { singletonKey: `sweep.help#${helper + 1}`, singletonSeconds: config.sweepIntervalSeconds })
      }
      sending = sendWhile(() => sweeping, async () => {
        const r = await dispatch()
        sent += r.sent
        return r
      }, deps.log)
    }
    try {
      const sweep = await runSweep(db, {
        now, calendar: await calendarFrom(db, config, now), delayGraceDays: config.delayGraceDays, stallBusinessDays: config.stallBusinessDays,
        outreach: outreachOptionsFrom(await signed()), learn: helper === 0 ? learnSettings(config) : undefined, onBacklog,
      })
      sweeping = false
      await sending
      return { ...sweep, ...(helper === 0 ? { unfinished } : { helper }), ...(sending ? { sentBeside: sent } : {}) }
    } finally {
      sweeping = false
      await sending
    }
  }
  return [
    { name: 'sweep.run', everySeconds: config.sweepIntervalSeconds, run: () => sweep(0) },
    {
      name: 'sweep.help',
      everySeconds: 0,
      notWhileBusy: ['sweep.run'],
      run: (data) => sweep(Number((data as { helper?: number } | undefined)?.helper) || 1),
    },
    {
      // Hourly: each supplier's own window (daily by default) decides whether it is silent.
      name: 'supplier-check.run',
      everySeconds: config.supplierCheckIntervalSeconds,
      run: async () => {
        const now = clock.now()
        return runSupplierCheck(db, { now, calendar: await calendarFrom(db, config, now), mailFrom: config.mailFrom })
      },
    },
    { name: 'outreach.dispatch', everySeconds: 10, run: dispatch },
    {
      // 850/860 recorded by choices and cancellations (any process) reach the purchasing folder.
      name: 'purchasing.export',
      everySeconds: 30,
      run: async () => ({ written: (await exportPurchasingDocuments(db, config.purchasingDir, clock.now())).length }),
    },
    {
      // Holds, fulfillments, cancellations and links back to connected shops (src/connect/outbox.ts).
      name: 'platforms.push',
      everySeconds: 15,
      run: async () => platformRound(db, { now: () => clock.now(), config, secret: (await signed()).secret, log: deps.log }),
    },
    {
      // Suppliers' SFTP servers and VAN mailboxes: each due transport polled by one worker (src/transports/).
      name: 'transports.sftp',
      everySeconds: 60,
      run: async () => pollDueTransports(db, { now: () => clock.now(), secret: (await signed()).secret, log: deps.log }),
    },
    {
      // Suppliers' email: each IMAP mailbox polled when its own next poll is due (claimed, so once).
      name: 'transports.imap',
      everySeconds: 60,
      run: async () => {
        const results = await pollDueMailboxes(db, { now: clock.now(), secret: (await signed()).secret, log: deps.log })
        const messages = results.flatMap((r) => r.messages)
        return {
          mailboxes: results.length, failed: results.filter((r) => !r.ok).length,
          taken: messages.filter((m) => m.outcome === 'done').length, held: messages.filter((m) => m.outcome === 'held').length,
        }
      },
    },
    ...carrierRefreshJobs(db, deps),
    ...maintenanceJobs(db),
  ]
}

/** Processes that share one big sweep pass at most: the one that runs it and up to three helpers. */
const SWEEP_PROCESSES = 4

/** Sends what is due, again and again while `busy()`, then once more; a failed round is logged and the next one tries again. */
async function sendWhile(busy: () => boolean, send: () => Promise<{ claimed: number }>, log?: (s: string) => void): Promise<void> {
  for (;;) {
    const last = !busy()
    let claimed = 0
    try {
      claimed = (await send()).claimed
    } catch (err) {
      log?.(`outreach.dispatch beside the sweep: ${(err as Error).message}`)
    }
    if (last) return
    // Nothing due yet: the next outreach batch commits soon (no clock: this is a pause, not a time).
    if (claimed === 0) await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * PGlite has no autovacuum, so its planner statistics go stale as tables grow (measured: the
 * stored-view read ran 3× slower before an ANALYZE). The embedded database gets one hourly.
 */
function maintenanceJobs(db: Db): RecurringJob[] {
  if (db.kind !== 'pglite') return []
  return [{ name: 'maintenance.analyze', everySeconds: 3600, run: async () => (await db.query('ANALYZE'), { analyzed: true }) }]
}

/** Carrier polling: on only when CARRIER_API_KEY is set (no key lives in the repository). */
function carrierRefreshJobs(db: Db, { clock, config, log }: { clock: Clock; config: Config; log?: (s: string) => void }): RecurringJob[] {
  if (!config.carrierApiKey) return []
  const rate = config.carrierPollRatePerSecond
  const api = createEasyPostApi({ baseUrl: config.carrierApiUrl, apiKey: config.carrierApiKey, ratePerSecond: rate, clock })
  // Two minutes' worth of calls at the allowed rate: a run ends well before the next is offered;
  // what is left waits, oldest first (claims in carrier-refresh.ts keep overlapping runs apart anyway).
  const limit = Math.max(1, Math.floor(rate * 120))
  return [
    {
      name: 'carrier.refresh',
      everySeconds: 15 * 60,
      run: () => refreshStaleShipments(db, api, { now: clock.now(), staleHours: config.carrierPollStaleHours, limit, log }),
    },
  ]
}
