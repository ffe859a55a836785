import type { Command } from './context.ts'
import { runSweep } from '../jobs/sweep.ts'
import { calendarFrom } from '../status/calendar-config.ts'

/** `wismo sweep` — one monitoring sweep now. */
export const sweepCommand: Command = async (ctx, { flags }) => {
  const db = await ctx.db()
  const now = ctx.clock.now()
  const result = await runSweep(db, { now, calendar: await calendarFrom(db, ctx.config), delayGraceDays: ctx.config.delayGraceDays })
  if (flags.json) {
    ctx.out(JSON.stringify(result, null, 2))
    return 0
  }
  const changes = Object.entries(result.changes).map(([s, n]) => `${n} ${s}`).join(', ')
  ctx.out(`sweep at ${now.toISOString()}: ${result.examined} lines examined, ${result.changed} changed${changes ? ` (${changes})` : ''}`)
  ctx.out(`tasks: ${result.tasksOpened} opened, ${result.tasksClosed} closed`)
  return 0
}
