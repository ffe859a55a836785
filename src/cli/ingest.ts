import fs from 'node:fs'
import { UsageError, type Command } from './context.ts'
import { ingestSupplierFeed } from '../feeds/ingest-file.ts'
import type { IngestOutcome } from '../store/inbound.ts'

export function readInput(file: string): Buffer | null {
  try {
    return fs.readFileSync(file)
  } catch {
    return null
  }
}

/** Prints an ingest outcome; exit 0 when applied or a replay, 1 when quarantined. */
export function reportOutcome(out: (s: string) => void, err: (s: string) => void, file: string, o: IngestOutcome): number {
  if (o.outcome === 'applied') {
    out(`${file}: applied (message ${o.messageId}), ${o.summary.length} signal${o.summary.length === 1 ? '' : 's'}`)
    for (const line of o.summary) out(`  ${line}`)
    return 0
  }
  if (o.outcome === 'duplicate') {
    out(`${file}: duplicate of message ${o.duplicateOf}; nothing changed`)
    return 0
  }
  err(`${file}: quarantined (message ${o.messageId}): ${o.reason}`)
  return 1
}

/** `wismo ingest FILE [--supplier ID] [--ack-out FILE]` */
export const ingestCommand: Command = async (ctx, { positionals, flags }) => {
  const [file, ...rest] = positionals
  if (!file || rest.length > 0) throw new UsageError('usage: wismo ingest FILE [--supplier ID] [--ack-out FILE]')
  const body = readInput(file)
  if (!body) {
    ctx.err(`${file}: cannot read the file`)
    return 1
  }
  const db = await ctx.db()
  const outcome = await ingestSupplierFeed(db, {
    body,
    filename: file,
    supplierId: typeof flags.supplier === 'string' ? flags.supplier : null,
    source: 'cli',
    receivedAt: ctx.clock.now(),
  })
  return reportOutcome(ctx.out, ctx.err, file, outcome)
}
