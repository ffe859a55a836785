import cliProgress from 'cli-progress'
import { DomainError } from '../domain/errors.ts'
import { isImportKind, type ImportResult } from '../store/import/import-csv.ts'
import { importFile } from '../store/import/import-file.ts'
import { UsageError, type Command } from './context.ts'

const USAGE = 'usage: wismo import suppliers|products|offers|equivalents|orders FILE.csv'

/** e.g. `imported 1200 orders rows: 300 orders (280 new, 20 updated), 1200 lines` */
export function describeImport(r: ImportResult): string {
  const head = `imported ${r.rows} ${r.kind} rows`
  if (r.kind === 'orders') return `${head}: ${r.orders} orders (${r.inserted} new, ${r.updated} updated), ${r.lines} lines`
  return `${head}: ${r.inserted} new, ${r.updated} updated`
}

interface Progress {
  update(bytesRead: number, totalBytes: number): void
  stop(): void
}

/** A byte-driven bar on stderr; started on the first report, when the file's size is known. */
function startProgress(): Progress {
  const bar = new cliProgress.SingleBar(
    { format: 'importing {bar} {percentage}% | {value}/{total} KiB', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    update(bytesRead, totalBytes) {
      const kib = (n: number) => Math.ceil(n / 1024)
      if (!started) bar.start(kib(totalBytes), 0)
      started = true
      bar.update(kib(bytesRead))
    },
    stop: () => started && bar.stop(),
  }
}

/** `wismo import KIND FILE.csv`: exit 0 when imported, 1 with one stderr line per problem. */
export const importCommand: Command = async (ctx, { positionals }) => {
  const [kind, file, ...rest] = positionals
  if (!isImportKind(kind) || !file || rest.length > 0) throw new UsageError(USAGE)
  const db = await ctx.db()
  const now = ctx.clock.now()
  // Kept raw first, like every outside input: a refused file stays quarantined with its reason.
  const progress = ctx.isTTY ? startProgress() : null
  try {
    const o = await importFile(db, kind, file, { now, onProgress: progress?.update })
    progress?.stop()
    if (o.outcome === 'applied') ctx.out(describeImport(o.summary))
    if (o.outcome === 'duplicate') ctx.out(`${file}: duplicate of message ${o.duplicateOf} (the same ${kind} file); nothing changed`)
    if (o.outcome !== 'quarantined') return 0
    printProblems(ctx.err, file, o.error!)
    return 1
  } catch (err) {
    progress?.stop()
    if (!(err instanceof DomainError)) throw err
    printProblems(ctx.err, file, err)
    return 1
  }
}

function printProblems(say: (s: string) => void, file: string, err: DomainError): void {
  if (err.details.length === 0) say(err.message)
  for (const detail of err.details) say(`${file}: ${detail}`)
}
