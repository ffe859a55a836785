import { DomainError } from '../../domain/errors.ts'
import type { NormalizedSignal } from '../signal.ts'
import type { OfferUpdate } from '../x12/types.ts'
import { statusSignalsOf } from '../csv/status-feed.ts'
import { offerUpdatesOf } from '../csv/offers-feed.ts'
import type { ProfiledRead, ProfiledRow } from './read-profiled.ts'

export type SupplierFile = { target: 'status'; signals: NormalizedSignal[] } | { target: 'offers'; updates: OfferUpdate[] }

const lineOf = (p: string) => Number(/^line (\d+):/.exec(p)?.[1] ?? 0)

/** One row as wismo's checks read it: its signal/update, or its problems. */
export function checkRow(target: ProfiledRead['target'], row: ProfiledRow): { problems: string[] } {
  try {
    if (target === 'status') statusSignalsOf([row])
    else offerUpdatesOf([row])
    return { problems: [] }
  } catch (err) {
    if (err instanceof DomainError) return { problems: err.details }
    throw err
  }
}

/**
 * A file read through a profile → signals (or offer updates), through the same row checks as
 * wismo's own CSV. Any row the profile or the checks cannot read refuses the whole file, every
 * problem listed by line (for an XLSX, the sheet row).
 */
export function readSupplierFile(read: ProfiledRead): SupplierFile {
  const problems = [...read.problems]
  const bad = new Set(problems.map(lineOf))
  // Rows with a cell the profile could not read are not checked again (their record is partial).
  const rows = read.rows.filter((r) => !bad.has(r.line))
  let file: SupplierFile | null = null
  try {
    file = read.target === 'status' ? { target: 'status', signals: statusSignalsOf(rows) } : { target: 'offers', updates: offerUpdatesOf(rows) }
  } catch (err) {
    if (!(err instanceof DomainError)) throw err
    problems.push(...err.details)
  }
  if (problems.length > 0 || !file) {
    const sorted = problems.map((p, i) => ({ p, i })).sort((a, b) => lineOf(a.p) - lineOf(b.p) || a.i - b.i).map((x) => x.p)
    const rowsBad = new Set(sorted.map(lineOf)).size
    throw new DomainError('FEED_CSV_INVALID', `${rowsBad} bad row${rowsBad > 1 ? 's' : ''} (${read.where})`, { details: sorted })
  }
  return file
}
