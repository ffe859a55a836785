import type { Command } from './context.ts'
import { startWorkers } from '../jobs/queue.ts'

/** `wismo worker` — background workers only (scale out: several against one PostgreSQL). */
export const workerCommand: Command = async (ctx) => {
  const db = await ctx.db()
  const workers = await startWorkers(db, { clock: ctx.clock, config: ctx.config, log: ctx.err })
  ctx.out(`wismo worker running on ${db.kind === 'postgres' ? 'PostgreSQL' : 'the embedded database'}; sweep every ${ctx.config.sweepIntervalSeconds} s`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  ctx.err('stopping workers')
  await workers.stop()
  return 0
}
