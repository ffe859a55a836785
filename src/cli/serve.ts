import type { Command } from './context.ts'
import { buildApp, serveLogger } from '../http/app.ts'
import { loadDemoIfEmpty, demoExamples } from '../demo/load-demo.ts'
import { startWorkers } from '../jobs/queue.ts'
import { demoAlternativeToTry, describeAlternativeToTry } from '../demo/alternative-example.ts'
import { calendarFrom } from '../status/calendar-config.ts'
import { DEMO_TWILIO_AUTH_TOKEN, demoCallCurl } from '../demo/phone-example.ts'
import { describeSigningSecret, loadSigningSecret } from '../store/secret.ts'
import { choiceTokenExpiry, signChoiceToken } from '../choices/choice-token.ts'

/** `wismo serve [--port N]` — the HTTP API, docs and pages, with the background workers. */
export const serveCommand: Command = async (ctx, { flags }) => {
  const db = await ctx.db()
  if (flags['demo-if-empty']) {
    const loaded = await loadDemoIfEmpty(db, { now: ctx.clock.now(), config: ctx.config, log: ctx.err })
    if (loaded) ctx.err('demo data loaded')
  }
  const examples = flags['demo-if-empty'] ? await demoExamples(db, ctx.clock.now()) : []
  // Pages, links and workers sign with WISMO_SECRET or, unset, the secret kept with the database.
  const secret = await loadSigningSecret(db, ctx.config.secret)
  const signed = { ...ctx.config, secret: secret.value }
  // The demo database answers a demo phone call signed with a demo token; a real one needs TWILIO_AUTH_TOKEN.
  const config = examples.length > 0 && !signed.twilioAuthToken ? { ...signed, twilioAuthToken: DEMO_TWILIO_AUTH_TOKEN } : signed
  const workers = await startWorkers(db, { clock: ctx.clock, config })
  // Warnings and server faults (each with its error id and cause) go to stderr as JSON lines.
  const app = await buildApp({ db, clock: ctx.clock, config, logger: serveLogger(process.stderr) })
  const address = await app.listen({ port: ctx.config.port, host: ctx.config.host })
  const base = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost')
  ctx.out(`wismo is listening on ${base}`)
  ctx.out(`  API docs:     ${base}/docs`)
  ctx.out(`  health:       ${base}/healthz`)
  ctx.out(`  ${describeSigningSecret(secret)}`)
  for (const ex of examples) {
    ctx.out(`  ${ex.label.padEnd(13)} ${base}/api/orders/${encodeURIComponent(ex.orderNumber)}/status?email=${encodeURIComponent(ex.email)}`)
  }
  // The customer's order page needs a proof (DESIGN.md: the number alone never shows an order);
  // a newcomer has no lookup cookie, so each page link is a signed link as in a message, fresh at
  // every start: clicking it sets the cookie and shows the order.
  for (const ex of examples) {
    const token = signChoiceToken(secret.value, { orderNumber: ex.orderNumber, lineNo: 1, expiresAt: choiceTokenExpiry(ctx.clock.now()) })
    ctx.out(`  ${`${ex.label} page`.padEnd(17)} ${base}/orders/${encodeURIComponent(ex.orderNumber)}/choose?token=${encodeURIComponent(token)}`)
  }
  const alt = await demoAlternativeToTry(db, examples, { now: ctx.clock.now(), calendar: await calendarFrom(db, ctx.config, ctx.clock.now()), secret: secret.value })
  if (alt) {
    ctx.out(`  alternative   ${describeAlternativeToTry(alt)}:`)
    ctx.out(`                ${base}${alt.linkPath}   (or: ${alt.command})`)
  }
  let call: string | null = null
  // The ugly example's customer first (a backorder with options to press), else any example's with a phone.
  for (const ex of [...examples].reverse()) {
    if (call || !config.twilioAuthToken) break
    call = await demoCallCurl(db, { orderNumber: ex.orderNumber, publicUrl: config.publicUrl, localUrl: base, authToken: config.twilioAuthToken })
  }
  if (call) ctx.out(`  phone call    its first step, as Twilio would post it (TwiML comes back):\n    ${call}`)
  ctx.out(`  console:      ${base}/console   (wismo user add EMAIL --role admin first)`)
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
