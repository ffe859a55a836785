import type { LineSnapshot } from '../store/order-snapshot.ts'
import type { LineStatus } from '../domain/line-state.ts'
import type { LineTaskKind } from '../domain/sweep-policy.ts'

/** What made a line's status change, for its history: the newest signal, or the passing of time. */
export function describeCause(ls: LineSnapshot, dirty: boolean, status: LineStatus): string {
  const candidates: { at: number; text: string }[] = []
  for (const s of ls.signals.supplierSignals) {
    candidates.push({ at: s.receivedAt.getTime(), text: `supplier: ${s.status}${s.expectedShipDate ? ` (ship ${s.expectedShipDate})` : ''} in message ${s.messageId}` })
  }
  for (const sh of ls.signals.shipments) candidates.push({ at: sh.shippedAt.getTime(), text: `shipment ${sh.carrier ?? ''} ${sh.trackingNumber ?? '(no tracking number)'}`.replace('  ', ' ') })
  for (const e of ls.signals.carrierEvents) {
    candidates.push({ at: e.occurredAt.getTime(), text: `carrier: ${e.status} ${e.trackingNumber}${e.message ? ` — ${e.message}` : ''}` })
  }
  if (ls.line.cancelledAt) candidates.push({ at: ls.line.cancelledAt.getTime(), text: 'line cancelled' })
  if (!dirty || candidates.length === 0) {
    return status.state === 'delayed' ? `time: promised ship date ${status.promisedShipDate} passed` : 'time'
  }
  return candidates.reduce((a, b) => (b.at >= a.at ? b : a)).text
}

const TITLES: Record<LineTaskKind, string> = {
  delayed: 'Late, no word from the supplier',
  backordered: 'Backordered',
  unavailable: 'Supplier cannot supply',
  carrier_exception: 'Delivery problem',
  stalled_in_transit: 'Parcel stalled in transit (no carrier scan)',
}

/** A rep task's title and detail for a line. */
export function lineTaskText(kind: LineTaskKind, ls: LineSnapshot, status: LineStatus): { title: string; detail: string } {
  const where = `${ls.line.sku} ×${ls.line.qty}, supplier ${ls.supplierName ?? ls.line.supplierId ?? '?'}`
  const parts = [where, `promised ship ${status.promisedShipDate}`]
  if (status.expectedShipDate) parts.push(`supplier expects ${status.expectedShipDate}`)
  if (status.reason) parts.push(status.reason)
  if (kind === 'stalled_in_transit') {
    for (const t of status.tracking.filter((p) => p.status === 'in_transit' || p.status === 'pre_transit')) {
      const last = t.lastEvent ? `last scan ${t.lastEvent.occurredAt.toISOString().slice(0, 10)}${t.lastEvent.location ? ` ${t.lastEvent.location}` : ''}` : 'no scan since shipping'
      parts.push(`${t.carrier ?? 'carrier'} ${t.number}: ${last}`)
    }
  }
  return { title: TITLES[kind], detail: parts.join('; ') }
}
