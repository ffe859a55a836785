import { DomainError } from '../../domain/errors.ts'
import type { Queryable } from '../../store/db.ts'
import { applyTrackedEvents } from '../tracker-status.ts'
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
 * Applying a stored webhook body: how every carrier webhook is applied once it was answered (the
 * route's queue), and how the sweep finishes one a stopped process left. Its signature was checked
 * before it was stored; the tracker's view is weighed against the time it arrived, not the time
 * it is applied.
 */
export function storedWebhookApplier(source: string, raw: Buffer, receivedAt: Date) {
  const provider = source.replace(/^webhook:/, '')
  return async (tx: Queryable, messageId: number): Promise<string[]> => {
    const normalize = NORMALIZE[provider]
    if (!normalize) throw new DomainError('INBOUND_SOURCE_UNKNOWN', `a webhook from "${source}" cannot be applied: unknown provider`)
    const read = normalize(readJson(raw))
    if (read.ignored) return [`ignored: ${read.ignored}`]
    return applyTrackedEvents(tx, messageId, provider, read, receivedAt)
  }
}
