/**
 * `applySignals`, set-based: a few statements per batch instead of three per signal, for feeds
 * of 100k lines (an 855 for a big PO). Same matching and the same rows as `applySignals`:
 * PO number + PO line, then the buyer's SKU on that PO, then the supplier's SKU (through its
 * offers), the first PO line by id; unmatched signals are kept; a matched shipped signal records
 * a shipment (record-shipments.ts), with or without a tracking number. Two additions, both only where `applySignals` finds
 * nothing: a PO line "000010" matches PO line "10" (suppliers echo PO101 zero-padded), and a
 * PO-level signal (PO number only: an 870 order status, an 855 without lines) speaks for every
 * open line of that PO.
 */
import type { Queryable } from '../store/db.ts'
import type { NormalizedSignal } from './signal.ts'
import { detectCarrier } from '../carriers/tracking-number.ts'
import { carrierGiven } from '../carriers/carriers.ts'
import { recordShipments } from './record-shipments.ts'
import { openQuantityTasks } from './quantity-tasks.ts'
import { markLinesDirty } from '../store/dirty-lines.ts'
import { flagCancelledPoSignals } from '../purchasing/late-signals.ts'

interface Match {
  n: number
  po_line_id: number
  order_line_id: number
  supplier_id: string | null
  qty: number
  po_line: string
}

const SIGNALS = `s AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS s(po_number, po_line, sku, supplier_sku, n))`
const LINE = `p.active AND ($5::text IS NULL OR p.supplier_id = $5)`
const PICK = `p.po_line_id, p.order_line_id, p.supplier_id, p.qty, p.po_line`

/** Each pass matches only what the passes before it left unmatched. */
const PASSES: { applies: (s: NormalizedSignal) => boolean; sql: string }[] = [
  {
    applies: (s) => Boolean(s.poNumber && s.poLine),
    sql: `WITH ${SIGNALS} SELECT DISTINCT ON (s.n) s.n::int AS n, ${PICK} FROM s
            JOIN po_lines p ON p.po_number = s.po_number AND p.po_line = s.po_line AND ${LINE} ORDER BY s.n, p.po_line_id`,
  },
  {
    applies: (s) => Boolean(s.poNumber && s.poLine && /^\d+$/.test(s.poLine)),
    sql: `WITH ${SIGNALS} SELECT DISTINCT ON (s.n) s.n::int AS n, ${PICK} FROM s
            JOIN po_lines p ON p.po_number = s.po_number AND ltrim(p.po_line, '0') = ltrim(s.po_line, '0') AND ${LINE}
           ORDER BY s.n, p.po_line_id`,
  },
  {
    applies: (s) => Boolean(s.poNumber && (s.sku || s.supplierSku)),
    sql: `WITH ${SIGNALS}, k AS (SELECT s.n, s.po_number, x.id FROM s CROSS JOIN LATERAL (VALUES (s.sku), (s.supplier_sku)) x(id) WHERE x.id IS NOT NULL),
          c AS (SELECT k.n, ${PICK} FROM k JOIN po_lines p ON p.po_number = k.po_number AND p.sku = k.id AND ${LINE}
                UNION ALL
                SELECT k.n, ${PICK} FROM k JOIN offers f ON f.supplier_sku = k.id AND ($5::text IS NULL OR f.supplier_id = $5)
                  JOIN po_lines p ON p.po_number = k.po_number AND p.supplier_id = f.supplier_id AND p.sku = f.sku AND ${LINE})
          SELECT DISTINCT ON (n) n::int AS n, po_line_id, order_line_id, supplier_id, qty, po_line FROM c ORDER BY n, po_line_id`,
  },
]

const PO_LEVEL = `WITH ${SIGNALS} SELECT s.n::int AS n, ${PICK} FROM s
  JOIN po_lines p ON p.po_number = s.po_number AND ${LINE} ORDER BY s.n, p.po_line_id`

const isPoLevel = (s: NormalizedSignal) => Boolean(s.poNumber && !s.poLine && !s.sku && !s.supplierSku)

function signalArrays(signals: NormalizedSignal[], which: number[]): unknown[] {
  return [
    which.map((i) => signals[i].poNumber), which.map((i) => signals[i].poLine),
    which.map((i) => signals[i].sku), which.map((i) => signals[i].supplierSku ?? null),
  ]
}

/** The PO lines each signal speaks of (index → matches); unmatched signals are absent. */
async function matchAll(tx: Queryable, signals: NormalizedSignal[], supplierId: string | null): Promise<Map<number, Match[]>> {
  const found = new Map<number, Match[]>()
  const run = async (sql: string, which: number[]) => {
    if (which.length === 0) return
    const rows = await tx.query<Match>(sql, [...signalArrays(signals, which), supplierId])
    for (const r of rows) {
      const i = which[r.n - 1]
      const list = found.get(i)
      if (list) list.push(r)
      else found.set(i, [r])
    }
  }
  for (const pass of PASSES) {
    await run(pass.sql, signals.map((_, i) => i).filter((i) => !found.has(i) && pass.applies(signals[i])))
  }
  await run(PO_LEVEL, signals.map((_, i) => i).filter((i) => isPoLevel(signals[i])))
  return found
}

interface Row {
  s: NormalizedSignal
  m: Match | null
  carrier: string | null
}

async function insertSignals(tx: Queryable, messageId: number, supplierId: string | null, rows: Row[], receivedAt: Date): Promise<void> {
  const col = <T>(f: (r: Row) => T) => rows.map(f)
  await tx.query(
    `INSERT INTO supplier_signals (message_id, supplier_id, po_line_id, po_number, po_line, sku, status, qty,
                                   expected_ship_date, carrier, tracking_number, received_at, source, raw_code)
     SELECT $1, x.supplier_id, x.po_line_id, x.po_number, x.po_line, x.sku, x.status, x.qty, x.expected_ship_date,
            x.carrier, x.tracking_number, $2, x.source, x.raw_code
       FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::date[],
                   $11::text[], $12::text[], $13::text[], $14::text[])
            WITH ORDINALITY AS x(supplier_id, po_line_id, po_number, po_line, sku, status, qty, expected_ship_date,
                                 carrier, tracking_number, source, raw_code, n)
      ORDER BY x.n`,
    [
      messageId, receivedAt, col((r) => r.m?.supplier_id ?? supplierId), col((r) => r.m?.po_line_id ?? null),
      col((r) => r.s.poNumber), col((r) => r.s.poLine), col((r) => r.s.sku ?? r.s.supplierSku ?? null), col((r) => r.s.status),
      col((r) => r.s.qty), col((r) => r.s.expectedShipDate), col((r) => r.carrier), col((r) => r.s.trackingNumber),
      col((r) => r.s.location), col((r) => r.s.rawCode),
    ],
  )
}

// Same words as applySignals, so the CLI and feed log read alike whichever path applied a feed.
/** A signal in the words the feed summary uses: "shipped, qty 2, UPSN 1Z…". */
export function describeSignal(s: Pick<NormalizedSignal, 'status' | 'qty' | 'expectedShipDate' | 'carrier' | 'trackingNumber'>): string {
  const parts: string[] = [s.status]
  if (s.qty !== null) parts.push(`qty ${s.qty}`)
  if (s.expectedShipDate) parts.push(`expected ship ${s.expectedShipDate}`)
  if (s.trackingNumber) parts.push(`${s.carrier ?? 'tracking'} ${s.trackingNumber}`)
  return parts.join(', ')
}

function summarize(r: Row): string {
  const poLine = r.s.poLine ?? (isPoLevel(r.s) ? r.m?.po_line ?? null : null)
  const where = `PO ${r.s.poNumber ?? '?'}${poLine ? ` line ${poLine}` : ''}${r.s.sku ? ` (${r.s.sku})` : ''}`
  const flagged = r.s.problem ? ` — ${r.s.problem}; a rep task is open` : ''
  return r.m ? `${where}: ${describeSignal(r.s)}${flagged}` : `${where}: ${describeSignal(r.s)} — matches no open PO line; kept for a rep`
}

/** Running totals a caller can pass to count recorded signals across batches. */
export interface SignalCounts {
  matched: number
  unmatched: number
}

/**
 * Records a batch of signals against the lines they match and marks those lines for the next
 * sweep; returns one human line per recorded signal, as `applySignals` does.
 */
export async function applySignalsBatch(
  tx: Queryable,
  messageId: number,
  supplierId: string | null,
  signals: NormalizedSignal[],
  receivedAt: Date,
  counts?: SignalCounts,
): Promise<string[]> {
  if (signals.length === 0) return []
  const matches = await matchAll(tx, signals, supplierId)
  const rows: Row[] = signals.flatMap((s, i) => {
    // A placeholder (TD503 "NONE", "XXXX") names no carrier: the number's shape may.
    const carrier = carrierGiven(s.carrier) ?? (s.trackingNumber ? detectCarrier(s.trackingNumber) : null)
    return (matches.get(i) ?? [null]).map((m) => ({ s, m, carrier }))
  })
  await insertSignals(tx, messageId, supplierId, rows, receivedAt)
  const shipped = rows.filter((r) => r.m && r.s.status === 'shipped')
  await recordShipments(tx, messageId, shipped.map((r) => ({
    s: r.s, orderLineId: r.m!.order_line_id, poLineId: r.m!.po_line_id, lineQty: r.m!.qty, carrier: r.carrier,
  })), receivedAt)
  // Quantity problems open a task; a line whose quantities add up now closes its earlier ones.
  const matched = rows.filter((r) => r.m)
  if (matched.length > 0) {
    await openQuantityTasks(tx, messageId, matched.map((r) => ({ signal: r.s, orderLineId: r.m!.order_line_id, supplierId: r.m!.supplier_id })), receivedAt)
  }

  if (counts) {
    const matched = rows.filter((r) => r.m).length
    counts.matched += matched
    counts.unmatched += rows.length - matched
  }
  await markLinesDirty(tx, rows.flatMap((r) => (r.m ? [r.m.order_line_id] : [])))
  if (rows.some((r) => !r.m)) await flagCancelledPoSignals(tx, messageId, receivedAt)
  return rows.map(summarize)
}
