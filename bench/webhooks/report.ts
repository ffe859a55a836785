/** The webhook suite's section of docs/benchmarks.md, and its line of the summary table. */
import os from 'node:os'
import { fmt, machineLine, today, type SummaryRow } from '../common.ts'
import type { RouteRun } from './measure.ts'
import type { WebhookRun } from './run.ts'

export const WEBHOOKS_HEADING = '## Carrier webhooks (issue 4)'

const ms = (n: number) => (n < 1 ? '<1' : String(n))

/** Applied per second of tail alone: what was left when the load stopped, over the time it took. */
function tailRate(r: WebhookRun): number {
  const tails = r.rounds.reduce((a, x) => a + x.tailMs, 0) / 1000
  return tails > 0 ? (r.webhook.delta.applied - r.webhook.appliedAtStop) / tails : 0
}

export function webhookSection(r: WebhookRun, loadAvg: number): string {
  const w = r.webhook
  const eventsPerSec = (x: RouteRun) => x.delta.carrierEvents / x.cannon.duration
  const row = (name: string, what: string, x: RouteRun) =>
    `| ${name} | ${what} | ${fmt(x.cannon.reqPerSec)} | **${(x.cannon.reqPerSec / r.bare.cannon.reqPerSec).toFixed(3)}×** | ${(x.cannon.reqPerSec / r.echo.cannon.reqPerSec).toFixed(3)}× | ` +
    `${ms(x.cannon.p50)} | ${ms(x.cannon.p99)} | ${x.cpu.nodeMsPerReq.toFixed(2)} | ${x.cpu.pgMsPerReq ? x.cpu.pgMsPerReq.toFixed(2) : '—'} |`
  const met = r.ratio >= 0.5
  return [
    WEBHOOKS_HEADING,
    '',
    `Measured ${today()} by \`npm run bench\` (bench/webhooks/, \`BENCH_SUITES=webhooks\`, PostgreSQL only). EasyPost \`tracker.updated\` webhooks ` +
      'through `POST /api/carriers/easypost/webhook`, each a distinct, correctly signed event, against two bare routes in the same process: ' +
      '**the baseline**, the same HMAC check and one INSERT of the raw body into a table of its own (issue 20: the webhook route is to accept ≥ 0.5× its rate), ' +
      'and for reference a signed echo without a database. A webhook is answered 202 once stored and applied after the answer (src/feeds/apply-queue.ts), ' +
      'so each webhook run is followed by its tail, until every webhook it was answered for is applied. The suite fails if any answer is not a 2xx, ' +
      'a webhook is not applied exactly once (one message and one new carrier event each, its order\'s version moved on), or a replay changes anything.',
    '',
    '| route | each request | req/s | / bare | / echo | p50 ms | p99 ms | Node CPU ms/req | PostgreSQL CPU ms/req |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    row('bare signed echo (reference)', 'HMAC check over the raw body, JSON parsed, `{ ok, id }`; no database', r.echo),
    row('**bare verify + INSERT (baseline)**', 'HMAC check, one INSERT of the raw body (autocommit), `{ ok, id }`', r.bare),
    row('**webhook, new event**', 'HMAC check, body read (event id), stored raw with one INSERT, answered 202; its 7 details (6 known, 1 new) applied after the answer', w),
    row('webhook, replay', 'an applied body again: stored as a duplicate, answered 200', r.replay),
    '',
    `**Result.** ${fmt(w.cannon.reqPerSec)} webhooks/s accepted, p99 ${w.cannon.p99} ms at ${r.connections} connections: **${r.ratio.toFixed(3)}× the bare verify + INSERT** ` +
      `(aim ≥ 0.5×: ${met ? 'met' : 'not met'}; ${r.echoRatio.toFixed(3)}× the echo). Applied after the answer: ${fmt(w.appliedAtStop)} of ${fmt(w.delta.applied)} when the load stopped, ` +
      `the last at most **${fmt(w.tailMs)} ms** after a run's load stopped — **${fmt(r.appliedPerSec)} applied/s** over the runs and their tails ` +
      `(${fmt(eventsPerSec(w))} new carrier events/s over the load alone). Per round, echo / bare / webhook req/s (tail): ` +
      `${r.rounds.map((x) => `${fmt(x.echo)} / ${fmt(x.bare)} / ${fmt(x.webhook)} (${fmt(x.tailMs)} ms)`).join('; ')}. ` +
      `What landed: ${fmt(w.delta.applied)} messages applied, ${fmt(w.delta.carrierEvents)} carrier events, ${fmt(w.delta.versionBumps)} order version bumps; ` +
      `replay: ${fmt(r.replay.delta.duplicate)} duplicates, nothing applied. CPU is per request from \`process.cpuUsage\` (server, applies and load generator) and ` +
      `/proc of the pool's backends, on ${os.cpus().length} cores; the webhook's includes applying it after the answer while the load runs.`,
    '',
    `**Where the apply time goes.** Answering costs one INSERT (one round trip, one commit), as the baseline does; applying costs, per webhook, ` +
      'the claim (an advisory lock), the attempt noted (its own commit, so a message that crashes its process is counted), then one transaction: ' +
      'the events (one INSERT … unnest), the shipments under the number, the line and order locks, the lines marked, the tracker view, the lines ' +
      'marked again for it, the message marked applied, and the commit — about 12 round trips and 2 commits. Two applies run at a time beside ' +
      `${r.connections} connections of answers, so under load they get little of the pool and the CPU (${fmt(w.appliedAtStop)} of ${fmt(w.delta.applied)} ` +
      `applied by the time the load stopped) and the rest is applied in the tail, at ${fmt(tailRate(r))} applied/s. Next steps: apply the queued ` +
      'deliveries in batches (one claim UPDATE and one transaction per batch, the events of all of them in one INSERT, a savepoint per message only ' +
      'to quarantine a bad one), and mark a number\'s lines once for its scans and its tracker view (one UPDATE, one version bump, instead of two).',
    '',
    machineLine(loadAvg, [{ label: 'PostgreSQL', version: r.version, notes: r.settings }]),
    '',
    `**Data and method.** ${fmt(r.shipments)} orders with one shipped line each (distinct tracking numbers), the fixture's first 6 details stored as ` +
      `an earlier delivery, seeded with set-based SQL in ${(r.seedMs / 1000).toFixed(1)} s. Bodies (${r.bodyBytes.min}–${r.bodyBytes.max} bytes) built from ` +
      'test/fixtures/carrier-events/easypost/event-body.json and signed up front; autocannon 9 in a worker thread. Echo, bare and webhook: 2 s warm-up each, then ' +
      `${r.rounds.length} interleaved rounds (${r.duration} s in all per route), each webhook run followed by its tail (\`inbound_messages\` of kind carrier_webhook ` +
      `still \`received\`, polled every 25 ms); replay: 2 s warm-up and ${r.duration} s over the ${fmt(r.replayPool)} applied bodies. ` +
      'The server\'s pool has as many connections as autocannon; two stored webhooks are applied at a time (the rest of the pool answers).',
    '',
  ].join('\n')
}

export function webhookSummary(r: WebhookRun): SummaryRow[] {
  const w = r.webhook
  return [
    {
      figure: 'Webhook accepted / bare verify + INSERT (PostgreSQL)', aim: '≥ 0.5× (every delivery applied once, checked)',
      value: `${r.ratio.toFixed(3)}× (${fmt(w.cannon.reqPerSec)} req/s, p99 ${w.cannon.p99} ms; ${r.echoRatio.toFixed(3)}× the echo)`, met: r.ratio >= 0.5,
    },
    { figure: 'Webhook applied after the answer (PostgreSQL)', aim: 'none set (all applied, checked)', value: `${fmt(r.appliedPerSec)} applied/s; all applied ${fmt(w.tailMs)} ms after the load stopped`, met: null },
    { figure: 'Webhook replay / new event (PostgreSQL)', aim: 'none set (nothing applied twice, checked)', value: `${(r.replay.cannon.reqPerSec / w.cannon.reqPerSec).toFixed(2)}×`, met: null },
  ]
}
