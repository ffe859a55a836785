import type { Command } from './context.ts'
import { buildApp } from '../http/app.ts'
import { loadDemoIfEmpty, demoExamples } from '../demo/load-demo.ts'
import { startWorkers } from '../jobs/queue.ts'

/** `wismo serve [--port N]` — the HTTP API, docs and pages, with the background workers. */
export const serveCommand: Command = async (ctx, { flags }) => {
  const db = await ctx.db()
  if (flags['demo-if-empty']) {
    const loaded = await loadDemoIfEmpty(db, { now: ctx.clock.now(), log: ctx.err })
    if (loaded) ctx.err('demo data loaded')
  }
  const workers = await startWorkers(db, { clock: ctx.clock, config: ctx.config })
  // Warnings and server faults (each with its error id and cause) go to stderr as JSON lines.
  const app = await buildApp({ db, clock: ctx.clock, config: ctx.config, logger: { level: 'warn', stream: process.stderr } })
  const address = await app.listen({ port: ctx.config.port, host: ctx.config.host })
  const base = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost')
  ctx.out(`wismo is listening on ${base}`)
  ctx.out(`  API docs:     ${base}/docs`)
  ctx.out(`  health:       ${base}/healthz`)
  for (const ex of await demoExamples(db, ctx.clock.now())) {
    ctx.out(`  ${ex.label.padEnd(13)} ${base}/api/orders/${encodeURIComponent(ex.orderNumber)}/status?email=${encodeURIComponent(ex.email)}`)
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  ctx.err('shutting down')
  await app.close()
  await workers.stop()
  return 0
}
