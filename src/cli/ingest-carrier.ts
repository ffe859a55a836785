import { UsageError, type Command } from './context.ts'
import { ingestCarrierFile } from '../carriers/ingest-carrier-file.ts'
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
  const outcome = await ingestCarrierFile(db, { body, filename: path.basename(file), source: 'cli', receivedAt: ctx.clock.now() })
  return reportOutcome(ctx.out, ctx.err, file, outcome)
}
