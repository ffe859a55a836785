import type { Db, Queryable } from '../db.ts'
import { equivalentsSpec } from './equivalents.ts'
import { offersSpec } from './offers.ts'
import { ordersSpec } from './orders.ts'
import { runImportIn, type ImportKind, type ImportOptions, type ImportResult } from './pipeline.ts'
import { productsSpec } from './products.ts'
import { suppliersSpec } from './suppliers.ts'

export type { ImportKind, ImportOptions, ImportResult } from './pipeline.ts'

type Importer = (tx: Queryable, file: string, opts: ImportOptions) => Promise<ImportResult>

// One closure per kind keeps each spec's row type intact (a KindSpec<A> is no KindSpec<B>).
const SPECS: Record<ImportKind, Importer> = {
  suppliers: (tx, file, opts) => runImportIn(tx, suppliersSpec, file, opts),
  products: (tx, file, opts) => runImportIn(tx, productsSpec, file, opts),
  offers: (tx, file, opts) => runImportIn(tx, offersSpec, file, opts),
  equivalents: (tx, file, opts) => runImportIn(tx, equivalentsSpec, file, opts),
  orders: (tx, file, opts) => runImportIn(tx, ordersSpec, file, opts),
}

export const IMPORT_KINDS = Object.keys(SPECS) as ImportKind[]

export function isImportKind(value: unknown): value is ImportKind {
  return typeof value === 'string' && Object.hasOwn(SPECS, value)
}

/**
 * Imports a CSV file of one kind (DESIGN.md "CSV files") in one transaction, streaming it.
 * All or nothing: any bad row throws DomainError('IMPORT_INVALID', '<file>: N bad rows') whose
 * details are `line N: field: problem` (at most 200, then "… and K more"), and nothing changes.
 * An unreadable file throws DomainError('IMPORT_FILE', 'cannot read <file>: …').
 */
export async function importCsv(db: Db, kind: ImportKind, file: string, opts: ImportOptions): Promise<ImportResult> {
  return db.transaction((tx) => SPECS[kind](tx, file, opts))
}

/** `importCsv` inside the caller's transaction. */
export function importCsvIn(tx: Queryable, kind: ImportKind, file: string, opts: ImportOptions): Promise<ImportResult> {
  return SPECS[kind](tx, file, opts)
}
