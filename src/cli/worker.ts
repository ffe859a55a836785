import type { Command } from './context.ts'
import { startWorkers } from '../jobs/queue.ts'
import { describeSigningSecret, loadSigningSecret } from '../store/secret.ts'

/** `wismo worker` — background workers only (scale out: several against one PostgreSQL). */
export const workerCommand: Command = async (ctx) => {
  const db = await ctx.db()
  const secret = await loadSigningSecret(db, ctx.config.secret)
  const workers = await startWorkers(db, { clock: ctx.clock, config: { ...ctx.config, secret: secret.value }, log: ctx.err })
  ctx.out(`wismo worker running on ${db.kind === 'postgres' ? 'PostgreSQL' : 'the embedded database'}; sweep every ${ctx.config.sweepIntervalSeconds} s`)
  ctx.out(`  ${describeSigningSecret(secret)}`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  ctx.err('stopping workers')
  await workers.stop()
  return 0
}
