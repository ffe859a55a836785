import { test } from 'node:test'
import assert from 'node:assert/strict'
import { renderToStaticMarkup } from 'react-dom/server'
import { RecordChoiceForm } from '../../src/http/pages/console/choice-form.tsx'
import type { RepLineView } from '../../src/status/order-status.ts'

test("the rep's choice list says the same item from another supplier as such, never a switch to its own name", () => {
  const alt = { sku: 'TENT-2P-GRN', name: 'Trailhead 2P Tent, green', eta: '2026-03-13', daysSooner: 45, priceDelta: 0, supplierId: 'BOLT', supplierName: 'Bolt', cost: 155 }
  const line = {
    lineNo: 1, name: 'Trailhead 2P Tent, green',
    alternatives: [{ ...alt, kind: 'other_supplier' }, { ...alt, kind: 'variant', sku: 'TENT-2P-BLU', name: 'Trailhead 2P Tent, blue', priceDelta: 10 }],
  } as unknown as RepLineView
  const session = { userId: 1, email: 'rita@store.example', role: 'rep' as const, csrfToken: 'x', expiresAt: new Date(0) }
  const html = renderToStaticMarkup(RecordChoiceForm({ action: '/x', session, line, offer: { wait: true, cancel: true, switch: true } }))
  assert.match(html, /The same item \(TENT-2P-GRN\) from Bolt/)
  assert.doesNotMatch(html, /Switch to TENT-2P-GRN/)
  assert.match(html, /Switch to TENT-2P-BLU — Trailhead 2P Tent, blue, from Bolt/)
})
