import fs from 'node:fs'
import { UsageError, type CliContext, type Command } from './context.ts'
import { ingestSupplierFeed, type SupplierFeedOutcome } from '../feeds/ingest-file.ts'
import type { IngestOutcome } from '../store/inbound.ts'
import { describeUnmatched } from '../feeds/unmatched-lines.ts'
import { describePreview, previewSupplierFeed } from '../feeds/profiles/preview.ts'
import { looksLikeX12 } from '../feeds/ingest-file.ts'
import { looksLikeXlsx } from '../feeds/profiles/xlsx.ts'

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
    if (o.supersedes) out(`  (takes over from message ${o.supersedes}, left unfinished by a process that stopped)`)
    return 0
  }
  if (o.outcome === 'duplicate') {
    out(`${file}: duplicate of message ${o.duplicateOf}; nothing changed`)
    return 0
  }
  err(`${file}: quarantined (message ${o.messageId}): ${o.reason}`)
  return 1
}

/** Writes the 997 where `--ack-out` asks; says so on stderr when there is none to write. */
function writeAck(ctx: CliContext, file: string, target: string, o: SupplierFeedOutcome): number {
  if (!o.acknowledgment) {
    const why = o.acknowledgment === undefined
      ? 'only X12 files are acknowledged'
      : o.outcome === 'duplicate' ? 'none was stored for the original message'
      : o.outcome === 'applied' ? 'it holds only acknowledgments (997/999), and X12 never acknowledges those'
      : 'its envelope could not be read, its sender was refused, or it holds only acknowledgments (997/999)'
    ctx.err(`${file}: no 997 written to ${target}: ${why}`)
    return 0
  }
  try {
    fs.writeFileSync(target, o.acknowledgment)
  } catch (err) {
    ctx.err(`${target}: cannot write the 997: ${(err as Error).message}`)
    return 1
  }
  ctx.out(`${file}: 997 written to ${target}`)
  return 0
}

/** X12 summaries start with a headline (what was read) and list signals after it; CSV ones list signals. */
function report(ctx: CliContext, file: string, o: SupplierFeedOutcome): number {
  if (o.outcome !== 'applied' || o.acknowledgment === undefined) return reportOutcome(ctx.out, ctx.err, file, o)
  const [head, ...lines] = o.summary
  ctx.out(`${file}: applied (message ${o.messageId}): ${head ?? ''}`)
  for (const line of lines) ctx.out(`  ${line}`)
  // Interchanges refused inside an applied file: said on stderr too, where a script looks for problems.
  for (const line of lines) if (/^(interchange \S+ refused: |the rest of the file was not read: )/.test(line)) ctx.err(`${file}: ${line}`)
  if (o.supersedes) ctx.out(`  (takes over from message ${o.supersedes}, left unfinished by a process that stopped)`)
  return 0
}

/** `--dry-run`: each row as read, each unreadable row with its line and reason; exit 1 when any row cannot be read. */
async function dryRun(ctx: CliContext, file: string, body: Buffer, supplierId: string | null, json: boolean): Promise<number> {
  if (!looksLikeXlsx(body, file) && (looksLikeX12(body) || /\.(edi|x12|edix)$/i.test(file))) {
    ctx.err(`${file}: --dry-run reads CSV and XLSX files; this is X12 (nothing was read or applied)`)
    return 2
  }
  const preview = await previewSupplierFeed(await ctx.db(), { body, filename: file, supplierId })
  if (json) ctx.out(JSON.stringify(preview, null, 2))
  else for (const line of describePreview(preview)) ctx.out(line)
  return preview.unreadable > 0 || preview.fileProblems.length > 0 ? 1 : 0
}

/** `wismo ingest FILE [--supplier ID] [--ack-out FILE] [--dry-run [--json]]` */
export const ingestCommand: Command = async (ctx, { positionals, flags }) => {
  const [file, ...rest] = positionals
  if (!file || rest.length > 0) throw new UsageError('usage: wismo ingest FILE [--supplier ID] [--ack-out FILE] [--dry-run [--json]]')
  const ackOut = flags['ack-out']
  if (ackOut === '' || ackOut === true) throw new UsageError('usage: --ack-out FILE needs a file name')
  const body = readInput(file)
  if (!body) {
    ctx.err(`${file}: cannot read the file`)
    return 1
  }
  const supplierId = typeof flags.supplier === 'string' ? flags.supplier : null
  if (flags['dry-run'] === true) return dryRun(ctx, file, body, supplierId, flags.json === true)
  const db = await ctx.db()
  const outcome = await ingestSupplierFeed(db, {
    body,
    filename: file,
    supplierId: typeof flags.supplier === 'string' ? flags.supplier : null,
    source: 'cli',
    receivedAt: ctx.clock.now(),
  })
  const code = report(ctx, file, outcome)
  if (outcome.outcome === 'applied' && outcome.unmatched > 0) ctx.out(`${file}: applied; ${describeUnmatched(outcome.unmatched)}`)
  const ackCode = typeof ackOut === 'string' ? writeAck(ctx, file, ackOut, outcome) : 0
  return Math.max(code, ackCode)
}
