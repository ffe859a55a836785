import { z } from 'zod'
import { DomainError } from '../../domain/errors.ts'
import { isRealIsoDate } from '../../util/dates.ts'
import type { OfferUpdate } from '../x12/types.ts'

const optional = (s: z.ZodType) => z.preprocess((v) => (v === '' || v === undefined ? null : v), s.nullable())

/**
 * One row of a supplier's offers file, as read through its profile: the supplier's stock and
 * restock date for one item, found as an 846 item is (the retailer's SKU, else the supplier's).
 */
export const OfferFeedRowSchema = z
  .object({
    sku: optional(z.string().trim()),
    supplier_sku: optional(z.string().trim()),
    available_qty: optional(z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must not be negative')),
    restock_date: optional(z.string().trim().refine(isRealIsoDate, 'must be a real date YYYY-MM-DD')),
    status: optional(z.enum(['in_stock', 'out_of_stock'], { error: 'must be in_stock or out_of_stock' })),
  })
  .superRefine((row, ctx) => {
    if (!row.sku && !row.supplier_sku) ctx.addIssue({ code: 'custom', path: ['sku'], message: 'sku or supplier_sku is required' })
  })

/** Offers rows → the offer updates an 846 would give (out of stock without a quantity: 0). Any bad row refuses all. */
export function offerUpdatesOf(records: { line: number; record: Record<string, string> }[]): OfferUpdate[] {
  const problems: string[] = []
  const updates: OfferUpdate[] = []
  for (const { line, record } of records) {
    const r = OfferFeedRowSchema.safeParse(record)
    if (!r.success) {
      for (const issue of r.error.issues) problems.push(`line ${line}: ${issue.path.join('.') || 'row'}: ${issue.message}`)
      continue
    }
    const row = r.data
    const qty = (row.available_qty as number | null) ?? (row.status === 'out_of_stock' ? 0 : null)
    updates.push({
      sku: row.sku as string | null, supplierSku: row.supplier_sku as string | null, availableQty: qty,
      restockDate: row.restock_date as OfferUpdate['restockDate'], location: `line ${line}`,
    })
  }
  if (problems.length > 0) throw new DomainError('FEED_CSV_INVALID', `${problems.length} bad row${problems.length > 1 ? 's' : ''}`, { details: problems })
  return updates
}
