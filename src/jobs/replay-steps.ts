/**
 * One monitoring pass at a moment of the past, as `wismo sweep` makes it: sweep and outreach,
 * the supplier check (when asked), then what is due sent with a clock held at that moment. The
 * demo's loader (src/demo/replay.ts) and `wismo replay` (src/replay/run-replay.ts) both play a
 * history through it, so their notices and messages carry the times a running wismo would give.
 */
import { learnSettings } from './learn-etas.ts'
import type { Db } from '../store/db.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { fixedClock } from '../clock.ts'
import { runSweep } from './sweep.ts'
import { runSupplierCheck } from './supplier-check.ts'
import { dispatchAllDue } from '../notify/dispatch.ts'
import { channelsFrom, outreachOptionsFrom, type SignedConfig } from '../outreach/outreach-config.ts'

export interface PassEnv {
  db: Db
  config: SignedConfig
  calendar: CalendarConfig
}

/** What one pass did. */
export interface PassCounts {
  notices: number
  cancelled: number
  /** Messages queued by the outreach (and status requests by the supplier check). */
  queued: number
  sent: number
}

/** Sweep and outreach, supplier check, then send what is due — all at `at`. */
export async function sweepPassAt(env: PassEnv, at: Date, supplierCheck: boolean): Promise<PassCounts> {
  const { db, config, calendar } = env
  const sweep = await runSweep(db, {
    now: at, calendar, delayGraceDays: config.delayGraceDays, stallBusinessDays: config.stallBusinessDays, outreach: outreachOptionsFrom(config),
    learn: learnSettings(config),
  })
  const check = supplierCheck ? await runSupplierCheck(db, { now: at, calendar, mailFrom: config.mailFrom }) : null
  // One at a time: the outbox files and send times then follow the queue's order, every run alike.
  const mail = await dispatchAllDue(db, channelsFrom(config, fixedClock(at)), {
    now: at, from: config.mailFrom, concurrency: 1, quietHours: { startHour: config.quietStartHour, endHour: config.quietEndHour },
  })
  return {
    notices: sweep.outreach?.notices ?? 0,
    cancelled: sweep.outreach?.cancelled ?? 0,
    queued: (sweep.outreach?.messages ?? 0) + (check?.statusRequests ?? 0),
    sent: mail.sent,
  }
}
