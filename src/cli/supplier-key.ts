import { UsageError, type Command } from './context.ts'
import { issueSupplierKey } from '../store/supplier-keys.ts'

/** `wismo supplier-key SUPPLIER` — issue (or rotate) a supplier's API key for feed delivery. */
export const supplierKeyCommand: Command = async (ctx, { positionals }) => {
  const [supplierId, ...rest] = positionals
  if (!supplierId || rest.length > 0) throw new UsageError('usage: wismo supplier-key SUPPLIER')
  const key = await issueSupplierKey(await ctx.db(), supplierId)
  ctx.out(key)
  ctx.err(`new API key for ${supplierId} (any earlier key no longer works); it is shown once: send it as "Authorization: Bearer <key>" to POST /api/suppliers/${supplierId}/feeds`)
  return 0
}
