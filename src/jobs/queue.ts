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
import { pollDueTransports } from '../transports/sftp.ts'

/** Recurring jobs: name, how often, and what one run does. */
export interface RecurringJob {
  name: string
  everySeconds: number
  run: () => Promise<unknown>
}

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
  const jobs = recurringJobs(db, deps)
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
    if (busy.has(job.name)) return
    busy.add(job.name)
    try {
      for (const { id } of await boss.fetch(job.name)) {
        try {
          log(`${job.name}: ${JSON.stringify(await job.run())}`)
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
export function recurringJobs(db: Db, deps: { clock: Clock; config: Config; log?: (s: string) => void }): RecurringJob[] {
  const { clock, config } = deps
  // Messages are signed with WISMO_SECRET or the secret kept with the database, read when first needed.
  const signed = async () => ({ ...config, secret: await signingSecret(db, config.secret) })
  let channels: Channels | null = null
  return [
    {
      name: 'sweep.run',
      everySeconds: config.sweepIntervalSeconds,
      run: async () => {
        // Messages a stopped process left half-done are finished first, so this sweep sees their lines.
        const unfinished = await finishUnfinished(db, { now: clock.now(), log: deps.log })
        const now = clock.now()
        const sweep = await runSweep(db, {
          now, calendar: await calendarFrom(db, config, now), delayGraceDays: config.delayGraceDays, stallBusinessDays: config.stallBusinessDays,
          outreach: outreachOptionsFrom(await signed()), learn: learnSettings(config),
        })
        return { ...sweep, unfinished }
      },
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
    {
      name: 'outreach.dispatch',
      everySeconds: 10,
      run: async () => {
        channels ??= channelsFrom(await signed(), clock)
        return dispatchAllDue(db, channels, { now: clock.now(), from: config.mailFrom, concurrency: 4, quietHours: { startHour: config.quietStartHour, endHour: config.quietEndHour } })
      },
    },
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
    ...carrierRefreshJobs(db, deps),
    ...maintenanceJobs(db),
  ]
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
