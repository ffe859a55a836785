import { DomainError } from '../../domain/errors.ts'
import type { Queryable } from '../../store/db.ts'
import { applyCarrierEvents } from '../carrier-events.ts'
import { readJson, type NormalizedWebhook } from './common.ts'
import * as easypost from './easypost.ts'
import * as aftership from './aftership.ts'
import * as shippo from './shippo.ts'

const NORMALIZE: Record<string, (body: unknown) => NormalizedWebhook> = {
  easypost: easypost.normalize,
  aftership: aftership.normalize,
  shippo: shippo.normalize,
}

/**
 * Finishing a stored webhook body (a sweep, after the process receiving it stopped): read and
 * applied as the route does. Its signature was checked before it was stored.
 */
export function storedWebhookApplier(source: string, raw: Buffer) {
  const provider = source.replace(/^webhook:/, '')
  return async (tx: Queryable, messageId: number): Promise<string[]> => {
    const normalize = NORMALIZE[provider]
    if (!normalize) throw new DomainError('INBOUND_SOURCE_UNKNOWN', `a webhook from "${source}" cannot be applied: unknown provider`)
    const read = normalize(readJson(raw))
    if (read.ignored) return [`ignored: ${read.ignored}`]
    return applyCarrierEvents(tx, messageId, read.events, provider)
  }
}
