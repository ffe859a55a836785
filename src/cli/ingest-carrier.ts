import { UsageError, type Command } from './context.ts'
import { ingestMessage } from '../store/inbound.ts'
import { applyCarrierEvents, parseCarrierEvents } from '../carriers/carrier-events.ts'
import { readInput, reportOutcome } from './ingest.ts'
import path from 'node:path'

/** `wismo ingest-carrier FILE.json` — normalized carrier events (JSON array or NDJSON). */
export const ingestCarrierCommand: Command = async (ctx, { positionals }) => {
  const [file, ...rest] = positionals
  if (!file || rest.length > 0) throw new UsageError('usage: wismo ingest-carrier FILE.json')
  const body = readInput(file)
  if (!body) {
    ctx.err(`${file}: cannot read the file`)
    return 1
  }
  const db = await ctx.db()
  const outcome = await ingestMessage(
    db,
    { kind: 'carrier_events', source: 'cli', filename: path.basename(file), body, receivedAt: ctx.clock.now() },
    (tx, messageId) => applyCarrierEvents(tx, messageId, parseCarrierEvents(body.toString('utf8'))),
  )
  return reportOutcome(ctx.out, ctx.err, file, outcome)
}
