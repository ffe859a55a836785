/**
 * Storing an outside message once. What identifies a message (`identityOf`) is unique among the
 * messages being applied or applied (index `inbound_messages_once`), so of N copies arriving at
 * once the INSERT lets one in and the others become duplicates — no read-then-write race.
 *
 * The copy that got in is *claimed* by this process (`Session.tryLock`) before its row becomes
 * visible, and stays claimed while it is applied. A `received` row nobody holds was left by a
 * process that stopped: a later copy supersedes it (and says so), or the sweep finishes it.
 */
import fs from 'node:fs'
import { createHash } from 'node:crypto'
import type { Queryable, Session } from './db.ts'
import type { InboundInput } from './inbound.ts'
import { DomainError } from '../domain/errors.ts'
import { crashPoint } from '../util/crash-point.ts'

/** The lock space of claims on inbound messages (the id is the message id). */
export const CLAIM_SPACE = 'inbound_messages'

export function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex')
}

/** What identifies a message of its kind: who sent what content, else the sender's own key, else who sent which bytes. */
export function identityOf(input: Pick<InboundInput, 'kind' | 'source' | 'supplierId' | 'dedupeKey' | 'contentKey'>, hash: string): string {
  if (input.contentKey) return `content:${input.supplierId ?? ''}:${input.contentKey}`
  if (input.dedupeKey) return `key:${input.dedupeKey}`
  // An import's "sender" is the kind of import: the same file as products and as offers are two.
  // A platform's pages and webhooks: the shop is the sender (its source names it).
  if (input.kind === 'import_csv' || input.kind === 'platform_orders' || input.kind === 'platform_webhook') return `sha:${input.source}:${hash}`
  return `sha:${input.supplierId ?? ''}:${hash}`
}

/** A body to store: in memory, or a file appended slice by slice (never whole in memory). */
export interface BodySource {
  sha256: string
  inline: Buffer | null
  /** Appends the file to the row, inside the storing transaction; refuses a file that changed. */
  append?(tx: Queryable, messageId: number): Promise<void>
}

export function inlineBody(body: Buffer): BodySource {
  return { sha256: sha256(body), inline: body }
}

const SLICE = 8 * 1024 * 1024

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of fs.createReadStream(file, { highWaterMark: SLICE }) as AsyncIterable<Buffer>) hash.update(chunk)
  return hash.digest('hex')
}

/** A file's body: hashed first (the identity is needed by the INSERT), then stored in slices. */
export async function fileBody(file: string): Promise<BodySource> {
  const first = await hashFile(file)
  return {
    sha256: first,
    inline: null,
    async append(tx, messageId) {
      const hash = createHash('sha256')
      for await (const chunk of fs.createReadStream(file, { highWaterMark: SLICE }) as AsyncIterable<Buffer>) {
        hash.update(chunk)
        await tx.query('UPDATE inbound_messages SET body = body || $2 WHERE message_id = $1', [messageId, chunk])
        crashPoint('inbound.store')
      }
      if (hash.digest('hex') !== first) throw new DomainError('INBOUND_FILE_CHANGED', `${file} changed while it was being stored; send it again once it is complete`)
    },
  }
}

export interface Stored {
  messageId: number
  sha256: string
  /** Set when this copy is a duplicate of a message applied or being applied: nothing to do. */
  duplicateOf: number | null
  /** The half-done message (left by a process that stopped) this copy took over from. */
  supersedes: number | null
}

interface Row {
  status: 'received' | 'duplicate'
  duplicateOf?: number
  supersedes?: number
}

export async function insertRow(tx: Queryable, input: InboundInput, identity: string, body: BodySource, row: Row): Promise<number | null> {
  // A duplicate of a file keeps no second copy of the bytes: its sha256 says they are the same.
  const bytes = body.inline ?? Buffer.alloc(0)
  const rows = await tx.query<{ message_id: number }>(
    `INSERT INTO inbound_messages (kind, source, supplier_id, filename, sha256, dedupe_key, body, received_at, status,
                                   duplicate_of, identity, claimed_at, supersedes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $8, $12)
     ON CONFLICT (kind, identity) WHERE status IN ('received', 'applied') DO NOTHING RETURNING message_id`,
    [
      input.kind, input.source, input.supplierId ?? null, input.filename ?? null, body.sha256, input.dedupeKey ?? null,
      bytes, input.receivedAt, row.status, row.duplicateOf ?? null, identity, row.supersedes ?? null,
    ],
  )
  return rows[0]?.message_id ?? null
}

/** Inserts, stores the whole body and claims the row in one transaction: visible only whole and claimed. */
async function insertClaimed(s: Session, input: InboundInput, identity: string, body: BodySource, supersedes?: number): Promise<number | null> {
  let claimed: number | null = null
  try {
    return await s.transaction(async (tx) => {
      if (supersedes !== undefined) {
        const left = await tx.query(`UPDATE inbound_messages SET status = 'superseded' WHERE message_id = $1 AND status = 'received' RETURNING 1`, [supersedes])
        if (left.length === 0) return null
      }
      const id = await insertRow(tx, input, identity, body, { status: 'received', supersedes })
      if (id === null) return null
      if (body.append) await body.append(tx, id)
      if (!(await s.tryLock(CLAIM_SPACE, id))) throw new Error(`message ${id} was claimed before it was stored`)
      claimed = id
      crashPoint('inbound.store')
      return id
    })
  } catch (err) {
    if (claimed !== null) await s.unlock(CLAIM_SPACE, claimed).catch(() => {})
    throw err
  }
}

/**
 * Stores one message raw and claims it, or records it as a duplicate of the message that holds
 * its identity. The caller applies a claimed message and then unlocks it (`CLAIM_SPACE`).
 */
export async function storeOnce(s: Session, input: InboundInput, body: BodySource): Promise<Stored> {
  const identity = identityOf(input, body.sha256)
  const stored = (messageId: number, duplicateOf: number | null = null, supersedes: number | null = null): Stored =>
    ({ messageId, sha256: body.sha256, duplicateOf, supersedes })
  for (let round = 0; round < 5; round++) {
    const id = await insertClaimed(s, input, identity, body)
    if (id !== null) return stored(id)
    const [holder] = await s.query<{ message_id: number; status: string }>(
      `SELECT message_id, status FROM inbound_messages WHERE kind = $1 AND identity = $2 AND status IN ('received', 'applied')`,
      [input.kind, identity],
    )
    if (!holder) continue // it left the index a moment ago (quarantined or superseded): try again
    if (holder.status === 'received' && (await s.tryLock(CLAIM_SPACE, holder.message_id))) {
      // Nobody alive holds it: a process stopped half-way through. This copy takes over.
      try {
        const taken = await insertClaimed(s, input, identity, body, holder.message_id)
        if (taken !== null) return stored(taken, null, holder.message_id)
        continue
      } finally {
        await s.unlock(CLAIM_SPACE, holder.message_id)
      }
    }
    const dup = await s.transaction((tx) => insertRow(tx, input, identity, body, { status: 'duplicate', duplicateOf: holder.message_id }))
    return stored(dup!, holder.message_id)
  }
  throw new Error(`could not store the ${input.kind} message: the copies holding its identity kept changing`)
}
