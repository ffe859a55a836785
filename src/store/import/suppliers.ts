import { z } from 'zod'
import { assignPresent, countUpsert, type ImportContext, type KindSpec } from './pipeline.ts'
import { optionalCountry, optionalEmail, optionalInt, optionalText, requiredText } from './fields.ts'
import { checkDuplicates } from './staging.ts'
import { changedKeys } from './changed-keys.ts'
import { markViewsStaleForSuppliers } from '../../status/view-stale.ts'

export const SupplierRowSchema = z.object({
  supplier_id: requiredText(),
  name: requiredText(),
  email: optionalEmail(),
  phone: optionalText(),
  edi_id: optionalText(),
  lead_time_days: optionalInt(0),
  // Ship-from, for lanes (DESIGN.md "Truthful dates"): blank country is the store's.
  postal_code: optionalText(),
  country: optionalCountry(),
})
export type SupplierRow = z.infer<typeof SupplierRowSchema>

const DEFAULT_LEAD_TIME_DAYS = 3

async function checkSuppliers({ tx }: ImportContext): Promise<void> {
  await checkDuplicates(tx, { columns: ['supplier_id'], field: 'supplier_id' })
  await checkDuplicates(tx, { columns: ['edi_id'], field: 'edi_id' })
  // edi_id is unique across suppliers: refuse here rather than fail the merge with a bare SQL error.
  await tx.query(
    `INSERT INTO import_problems (line, field, problem)
     SELECT s.line, 'edi_id', 'already used by supplier ' || to_json(x.supplier_id)::text
     FROM import_stage s JOIN suppliers x ON x.edi_id = s.edi_id AND x.supplier_id <> s.supplier_id`,
  )
}

// A supplier's lead time sets the promise of its lines without a date of their own.
async function markSuppliersStale({ tx, columns }: ImportContext) {
  const fields = [{ name: 'lead_time_days', staged: `coalesce(s.lead_time_days, ${DEFAULT_LEAD_TIME_DAYS})` }]
  const ids = await changedKeys(tx, { table: 'suppliers', key: ['supplier_id'], columns: fields, returning: 'supplier_id' }, columns)
  await markViewsStaleForSuppliers(tx, ids)
}

async function mergeSuppliers({ tx, now, columns }: ImportContext) {
  const set = ['name = EXCLUDED.name', ...assignPresent(['email', 'phone', 'edi_id', 'lead_time_days', 'postal_code', 'country'], columns)]
  return countUpsert(
    tx,
    `INSERT INTO suppliers AS t (supplier_id, name, email, phone, edi_id, lead_time_days, postal_code, country, created_at, updated_at)
     SELECT supplier_id, name, email, phone, edi_id, coalesce(lead_time_days, $2), postal_code, country, $1, $1 FROM import_stage
     ON CONFLICT (supplier_id) DO UPDATE SET ${set.join(', ')}, updated_at = EXCLUDED.updated_at
     RETURNING (xmax = 0) AS inserted`,
    [now, DEFAULT_LEAD_TIME_DAYS],
  )
}

/** suppliers.csv: `supplier_id,name,email,phone,edi_id,lead_time_days,postal_code,country`, upserted by supplier_id. */
export const suppliersSpec: KindSpec<SupplierRow> = {
  kind: 'suppliers',
  required: ['supplier_id', 'name'],
  optional: ['email', 'phone', 'edi_id', 'lead_time_days', 'postal_code', 'country'],
  schema: SupplierRowSchema,
  stage: [
    { name: 'supplier_id', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'email', type: 'text' },
    { name: 'phone', type: 'text' },
    { name: 'edi_id', type: 'text' },
    { name: 'lead_time_days', type: 'integer' },
    { name: 'postal_code', type: 'text' },
    { name: 'country', type: 'text' },
  ],
  toStage: (r) => [r.supplier_id, r.name, r.email, r.phone, r.edi_id, r.lead_time_days, r.postal_code, r.country],
  check: checkSuppliers,
  merge: mergeSuppliers,
  markStale: markSuppliersStale,
}
