/** The webhook suite's section of docs/benchmarks.md, and its line of the summary table. */
import os from 'node:os'
import { fmt, machineLine, today, type SummaryRow } from '../common.ts'
import type { RouteRun } from './measure.ts'
import type { WebhookRun } from './run.ts'

export const WEBHOOKS_HEADING = '## Carrier webhooks (issue 4)'

const ms = (n: number) => (n < 1 ? '<1' : String(n))

export function webhookSection(r: WebhookRun, loadAvg: number): string {
  const w = r.webhook
  const eventsPerSec = (x: RouteRun) => x.delta.carrierEvents / x.cannon.duration
  const row = (name: string, what: string, x: RouteRun) =>
    `| ${name} | ${what} | ${fmt(x.cannon.reqPerSec)} | **${(x.cannon.reqPerSec / r.echo.cannon.reqPerSec).toFixed(3)}×** | ${ms(x.cannon.p50)} | ${ms(x.cannon.p99)} | ` +
    `${x.cpu.nodeMsPerReq.toFixed(2)} | ${x.cpu.pgMsPerReq ? x.cpu.pgMsPerReq.toFixed(2) : '—'} |`
  return [
    WEBHOOKS_HEADING,
    '',
    `Measured ${today()} by \`npm run bench\` (bench/webhooks/, \`BENCH_SUITES=webhooks\`, PostgreSQL only). EasyPost \`tracker.updated\` webhooks ` +
      'through `POST /api/carriers/easypost/webhook`, each a distinct, correctly signed event, against a bare signed-echo route in the same process. ' +
      'No target was set; the suite fails if any answer is not a 2xx, a webhook is not applied exactly once, or a replay changes anything.',
    '',
    '| route | each request | req/s | / echo | p50 ms | p99 ms | Node CPU ms/req | PostgreSQL CPU ms/req |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    row('bare signed echo', 'HMAC check over the raw body, JSON parsed, `{ ok, id }`; no database', r.echo),
    row('**webhook, new event**', 'stored raw, read, 7 details applied (6 known, 1 new), marked applied', w),
    row('webhook, replay', 'an applied body again: stored as a duplicate', r.replay),
    '',
    `**Result.** ${fmt(w.cannon.reqPerSec)} webhooks/s, ${fmt(eventsPerSec(w))} new carrier events/s, p99 ${w.cannon.p99} ms at ${r.connections} connections ` +
      `(${r.ratio.toFixed(3)}× the echo); per round, echo / webhook req/s: ${r.rounds.map((x) => `${fmt(x.echo)} / ${fmt(x.webhook)}`).join('; ')}. ` +
      `What landed: ${fmt(w.delta.applied)} messages applied, ${fmt(w.delta.carrierEvents)} carrier events, ${fmt(w.delta.versionBumps)} order version bumps; ` +
      `replay: ${fmt(r.replay.delta.duplicate)} duplicates, nothing applied. CPU is per request from \`process.cpuUsage\` (server and load generator) and ` +
      `/proc of the pool's backends, on ${os.cpus().length} cores.`,
    '',
    machineLine(loadAvg, [{ label: 'PostgreSQL', version: r.version, notes: r.settings }]),
    '',
    `**Data and method.** ${fmt(r.shipments)} orders with one shipped line each (distinct tracking numbers), the fixture's first 6 details stored as ` +
      `an earlier delivery, seeded with set-based SQL in ${(r.seedMs / 1000).toFixed(1)} s. Bodies (${r.bodyBytes.min}–${r.bodyBytes.max} bytes) built from ` +
      'test/fixtures/carrier-events/easypost/event-body.json and signed up front; autocannon 9 in a worker thread. Echo and webhook: 2 s warm-up each, then ' +
      `${r.rounds.length} interleaved rounds (${r.duration} s in all per route); replay: 2 s warm-up and ${r.duration} s over the ${fmt(r.replayPool)} applied bodies. ` +
      'The replay check is the one in src/store/inbound.ts as it stands (two index lookups, fixed in an earlier round).',
    '',
  ].join('\n')
}

export function webhookSummary(r: WebhookRun): SummaryRow[] {
  return [
    { figure: 'Webhook, new event / signed echo (PostgreSQL)', aim: 'none set (every delivery applied once, checked)', value: `${r.ratio.toFixed(3)}× (${fmt(r.webhook.cannon.reqPerSec)} req/s, p99 ${r.webhook.cannon.p99} ms)`, met: null },
    { figure: 'Webhook replay / new event (PostgreSQL)', aim: 'none set (nothing applied twice, checked)', value: `${(r.replay.cannon.reqPerSec / r.webhook.cannon.reqPerSec).toFixed(2)}×`, met: null },
  ]
}
