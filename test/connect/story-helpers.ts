/** What the platform story tests share: waiting for stored webhooks to be applied, and a supplier's X12. */
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { interchange } from '../x12/build.ts'

/** Waits until no platform webhook is left `received` (they are applied just after the answer). */
export async function settled(db: Db): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [r] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_messages WHERE kind = 'platform_webhook' AND status = 'received'`)
    if (r.n === 0) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('webhooks were not applied')
}

/** ACME's X12 interchange with these sets, received at `at`. */
export const acmeX12 = (db: Db, at: string, sets: Array<{ id: string; body: string[] }>, control: number) =>
  ingestSupplierFeed(db, { body: Buffer.from(interchange(sets, { sender: 'ACMEEDI', control })), filename: `acme-${control}.edi`, supplierId: null, source: 'test', receivedAt: new Date(at) })

/** An 855 answering PO line 1 (one tent): `IB` backordered, `IA` accepted, with an optional ship date. */
export const ack855 = (po: string, code: string, date?: string) => ({
  id: '855', body: [`BAK*00*AC*${po}*20261102`, 'PO1*1*1*EA*150.00**BP*TENT-2P-GRN*VP*A-7781', `ACK*${code}*1*EA`, ...(date ? [`DTM*068*${date}`] : [])],
})

/** An 856 shipping PO line 1 (one tent) by UPS under `tracking` on 2026-11-06. */
export const ship856 = (po: string, tracking: string) => ({
  id: '856', body: ['BSN*00*SHP-' + po + '*20261106*1600', 'HL*1**S', 'TD5*B*2*UPSN*M*UPS GROUND', 'DTM*011*20261106', 'HL*2*1*O', `PRF*${po}`,
    'HL*3*2*P', `MAN*CP*${tracking}`, 'HL*4*3*I', 'LIN*1*BP*TENT-2P-GRN*VP*A-7781', 'SN1**1*EA'],
})

/** The customer presses "Cancel" on the wismo page the notice's link opened: 303 to the order page. */
export async function cancelOnPage(app: FastifyInstance, number: string, token: string): Promise<void> {
  const res = await app.inject({
    method: 'POST', url: `/orders/${number}/lines/1/choice`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ token, choice: 'cancel' }).toString(),
  })
  assert.equal(res.statusCode, 303, res.body)
}
