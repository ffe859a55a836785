import fs from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import type { Queryable } from './db.ts'
import type { InboundKind } from './inbound.ts'

// Appended in slices so a file of any size is kept without ever being whole in memory.
const SLICE = 8 * 1024 * 1024

/**
 * Keeps an input file raw in `inbound_messages` before it is applied (imports: a million-row
 * orders file is streamed into the row slice by slice). Returns the message id, status `received`.
 */
export async function storeInboundFile(
  db: Queryable,
  input: { kind: InboundKind; source: string; file: string; receivedAt: Date },
): Promise<number> {
  const [row] = await db.query<{ message_id: number }>(
    `INSERT INTO inbound_messages (kind, source, filename, sha256, body, received_at, status)
     VALUES ($1, $2, $3, '', '\\x'::bytea, $4, 'received') RETURNING message_id`,
    [input.kind, input.source, path.basename(input.file), input.receivedAt],
  )
  const hash = createHash('sha256')
  const stream = fs.createReadStream(input.file, { highWaterMark: SLICE })
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk)
    await db.query('UPDATE inbound_messages SET body = body || $2 WHERE message_id = $1', [row.message_id, chunk])
  }
  await db.query('UPDATE inbound_messages SET sha256 = $2 WHERE message_id = $1', [row.message_id, hash.digest('hex')])
  return row.message_id
}
