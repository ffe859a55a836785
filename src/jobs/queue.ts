import PgBoss from 'pg-boss'
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

/** Recurring jobs: name, how often, and what one run does. */
export interface RecurringJob {
  name: string
  everySeconds: number
  run: () => Promise<unknown>
}

export interface Workers {
  stop(): Promise<void>
}

/**
 * Starts the background workers on a PostgreSQL-backed queue (pg-boss). Every process ticks and
 * *offers* each recurring job with a singleton key per interval, so however many `wismo worker`
 * processes run against one database, each job runs once per interval, on whichever is free.
 */
export async function startWorkers(
  db: Db,
  deps: { clock: Clock; config: Config; log?: (s: string) => void; schema?: string },
): Promise<Workers> {
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
  for (const job of jobs) {
    await boss.createQueue(job.name)
    await boss.work(job.name, { pollingIntervalSeconds: 2 }, async () => {
      const result = await job.run()
      log(`${job.name}: ${JSON.stringify(result)}`)
    })
  }
  const offer = async () => {
    for (const job of jobs) {
      await boss
        .send(job.name, {}, { singletonKey: job.name, singletonSeconds: job.everySeconds, retryLimit: 3, retryBackoff: true })
        .catch((err: Error) => log(`queue: cannot offer ${job.name}: ${err.message}`))
    }
  }
  await offer()
  const timer = setInterval(() => void offer(), 5_000)
  // The inbox is a folder on this machine (or a shared mount): every process scans it, and the
  // rename-claim in scanInbox makes sure each file is taken in once.
  let scanning = false
  const inboxTimer = setInterval(async () => {
    if (scanning) return
    scanning = true
    try {
      const r = await scanInbox(db, { inboxDir: deps.config.inboxDir, clock: deps.clock })
      for (const f of r.files) log(`inbox ${f.supplierId}/${f.file}: ${f.outcome} (message ${f.messageId})`)
    } catch (err) {
      log(`inbox: ${(err as Error).message}`)
    } finally {
      scanning = false
    }
  }, deps.config.inboxIntervalSeconds * 1000)
  return {
    async stop() {
      clearInterval(timer)
      clearInterval(inboxTimer)
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 })
    },
  }
}

/** The recurring jobs this configuration asks for (exported so tests can see which are on). */
export function recurringJobs(db: Db, deps: { clock: Clock; config: Config }): RecurringJob[] {
  const { clock, config } = deps
  const channels = channelsFrom(config, clock)
  return [
    {
      name: 'sweep.run',
      everySeconds: config.sweepIntervalSeconds,
      run: async () =>
        runSweep(db, {
          now: clock.now(), calendar: await calendarFrom(db, config), delayGraceDays: config.delayGraceDays, stallBusinessDays: config.stallBusinessDays,
          outreach: outreachOptionsFrom(config),
        }),
    },
    {
      // Hourly: each supplier's own window (daily by default) decides whether it is silent.
      name: 'supplier-check.run',
      everySeconds: config.supplierCheckIntervalSeconds,
      run: async () => runSupplierCheck(db, { now: clock.now(), calendar: await calendarFrom(db, config), mailFrom: config.mailFrom }),
    },
    {
      name: 'outreach.dispatch',
      everySeconds: 10,
      run: () => dispatchAllDue(db, channels, { now: clock.now(), from: config.mailFrom, concurrency: 4 }),
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
function carrierRefreshJobs(db: Db, { clock, config }: { clock: Clock; config: Config }): RecurringJob[] {
  if (!config.carrierApiKey) return []
  const rate = config.carrierPollRatePerSecond
  const api = createEasyPostApi({ baseUrl: config.carrierApiUrl, apiKey: config.carrierApiKey, ratePerSecond: rate })
  // Two minutes' worth of calls at the allowed rate: a run ends well before the next is offered;
  // what is left waits, oldest first (claims in carrier-refresh.ts keep overlapping runs apart anyway).
  const limit = Math.max(1, Math.floor(rate * 120))
  return [
    {
      name: 'carrier.refresh',
      everySeconds: 15 * 60,
      run: () => refreshStaleShipments(db, api, { now: clock.now(), staleHours: config.carrierPollStaleHours, limit }),
    },
  ]
}
