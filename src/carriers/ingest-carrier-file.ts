import type { Db } from '../store/db.ts'
import { ingestMessage, type IngestOutcome } from '../store/inbound.ts'
import { applyCarrierEvents, parseCarrierEvents } from './carrier-events.ts'

/** Takes in a file of normalized carrier events (JSON array or NDJSON) the way every message is: stored once, then applied. */
export function ingestCarrierFile(
  db: Db,
  input: { body: Buffer; filename: string | null; source: string; receivedAt: Date },
): Promise<IngestOutcome> {
  return ingestMessage(
    db,
    { kind: 'carrier_events', source: input.source, filename: input.filename, body: input.body, receivedAt: input.receivedAt },
    (tx, messageId) => applyCarrierEvents(tx, messageId, parseCarrierEvents(input.body.toString('utf8'))),
  )
}
