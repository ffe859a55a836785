import type { Command } from './context.ts'
import { runSweep } from '../jobs/sweep.ts'
import { runSupplierCheck } from '../jobs/supplier-check.ts'
import { calendarFrom } from '../status/calendar-config.ts'
import { createMailer } from '../notify/mailer.ts'
import { dispatchDue } from '../notify/outbox.ts'
import { scanInbox } from '../feeds/inbox.ts'
import { finishUnfinished } from '../feeds/finish-inbound.ts'

/**
 * `wismo sweep` — one monitoring pass now, as the workers do it: take in the inbox, finish the
 * messages a stopped process left half-done, derive what changed, check for silent suppliers and unacknowledged lines, then send what that queued.
 */
export const sweepCommand: Command = async (ctx, { flags }) => {
  const db = await ctx.db()
  const now = ctx.clock.now()
  const inbox = await scanInbox(db, { inboxDir: ctx.config.inboxDir, clock: ctx.clock })
  const unfinished = await finishUnfinished(db, { now, log: ctx.err })
  const calendar = await calendarFrom(db, ctx.config)
  const sweep = await runSweep(db, { now, calendar, delayGraceDays: ctx.config.delayGraceDays, stallBusinessDays: ctx.config.stallBusinessDays })
  const suppliers = await runSupplierCheck(db, { now, calendar, mailFrom: ctx.config.mailFrom })
  const mail = await dispatchDue(db, createMailer(ctx.config, { clock: ctx.clock }), { now, from: ctx.config.mailFrom })
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
  ctx.out(
    `supplier check: ${suppliers.suppliersChecked} suppliers, ${suppliers.statusRequests} status requests, ` +
      `${suppliers.tasksOpened} tasks opened, ${suppliers.tasksClosed} closed`,
  )
  ctx.out(`messages: ${mail.sent} sent, ${mail.retried} to retry, ${mail.failed} failed`)
  return 0
}
