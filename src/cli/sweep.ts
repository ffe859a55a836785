import type { Command } from './context.ts'
import { learnSettings } from '../jobs/learn-etas.ts'
import { runSweep } from '../jobs/sweep.ts'
import { runSupplierCheck } from '../jobs/supplier-check.ts'
import { calendarFrom } from '../status/calendar-config.ts'
import { dispatchAllDue } from '../notify/dispatch.ts'
import { channelsFrom, outreachOptionsFrom } from '../outreach/outreach-config.ts'
import { scanInbox } from '../feeds/inbox.ts'
import { finishUnfinished } from '../feeds/finish-inbound.ts'
import { signingSecret } from '../store/secret.ts'

/**
 * `wismo sweep` — one monitoring pass now, as the workers do it: take in the inbox, finish the
 * messages a stopped process left half-done, derive what changed, check for silent suppliers and unacknowledged lines, then send what that queued.
 */
export const sweepCommand: Command = async (ctx, { flags }) => {
  const db = await ctx.db()
  const now = ctx.clock.now()
  const inbox = await scanInbox(db, { inboxDir: ctx.config.inboxDir, clock: ctx.clock })
  const unfinished = await finishUnfinished(db, { now, log: ctx.err })
  const calendar = await calendarFrom(db, ctx.config, now)
  // Links in the messages are signed as `wismo serve` will check them: WISMO_SECRET or the kept secret.
  const config = { ...ctx.config, secret: await signingSecret(db, ctx.config.secret) }
  const sweep = await runSweep(db, {
    now, calendar, delayGraceDays: ctx.config.delayGraceDays, stallBusinessDays: ctx.config.stallBusinessDays, outreach: outreachOptionsFrom(config),
    learn: learnSettings(ctx.config),
  })
  const suppliers = await runSupplierCheck(db, { now, calendar, mailFrom: ctx.config.mailFrom })
  // Run alone (cron, no worker), the sweep also delivers everything it queued that is due now.
  const mail = await dispatchAllDue(db, channelsFrom(config, ctx.clock), { now, from: ctx.config.mailFrom, concurrency: 4, quietHours: { startHour: config.quietStartHour, endHour: config.quietEndHour } })
  if (flags.json) {
    ctx.out(JSON.stringify({ inbox, unfinished, sweep, supplierCheck: suppliers, dispatch: mail }, null, 2))
    return 0
  }
  for (const f of inbox.files) ctx.out(`inbox ${f.supplierId}/${f.file}: ${f.outcome} (message ${f.messageId})`)
  for (const f of inbox.failed) ctx.err(`inbox ${f.supplierId}/${f.file}: not taken in (${f.error}); kept in processing/ for the next scan`)
  if (unfinished.finished + unfinished.quarantined + unfinished.failed > 0) {
    ctx.out(`unfinished messages: ${unfinished.finished} applied, ${unfinished.quarantined} quarantined, ${unfinished.failed} left for the next sweep`)
  }
  const changes = Object.entries(sweep.changes).map(([s, n]) => `${n} ${s}`).join(', ')
  ctx.out(`sweep at ${now.toISOString()}: ${sweep.examined} lines examined, ${sweep.changed} changed${changes ? ` (${changes})` : ''}`)
  ctx.out(`line tasks: ${sweep.tasksOpened} opened, ${sweep.tasksClosed} closed`)
  const o = sweep.outreach
  if (o) ctx.out(`outreach: ${o.orders} orders looked at, ${o.messages} messages queued, ${o.suppressed} suppressed, ${o.notices} delay notices, ${o.cancelled} lines cancelled`)
  ctx.out(
    `supplier check: ${suppliers.suppliersChecked} suppliers, ${suppliers.statusRequests} status requests, ` +
      `${suppliers.tasksOpened} tasks opened, ${suppliers.tasksClosed} closed`,
  )
  ctx.out(`messages: ${mail.sent} sent, ${mail.retried} to retry, ${mail.failed} failed, ${mail.dead} dead`)
  return 0
}
