import { test } from 'node:test'
import assert from 'node:assert/strict'
import { X12Parser } from 'node-x12'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { signChoiceToken, choiceTokenExpiry } from '../../src/choices/choice-token.ts'
import { issueApiKey } from '../../src/store/api-keys.ts'
import { issueSupplierKey } from '../../src/store/supplier-keys.ts'
import { NOW, backorder, seedAlternatives, snapshotCounts } from './fixture.ts'

const secret = 'http-test-secret-0123456789'

test('the customer API lists alternatives; the signed link switches once; refusals are 4xx and change nothing', async () => {
  const db = await freshDb()
  const clock = new TestClock(NOW)
  const app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 100, secret } })
  try {
    await seedAlternatives(db)
    await backorder(db)
    const status = await app.inject({ url: '/api/orders/W100/status?email=dana@example.com' })
    assert.equal(status.statusCode, 200)
    const alts = status.json().lines[0].alternatives
    assert.deepEqual(alts.map((a: { sku: string }) => a.sku), ['TENT-2P-GRN', 'RIDGE-2P-GRN', 'TENT-2P-BLU'])
    assert.ok(!status.body.includes('BOLT') && !status.body.includes('"cost"'))

    const token = signChoiceToken(secret, { orderNumber: 'W100', lineNo: 1, expiresAt: choiceTokenExpiry(NOW) })
    const landing = await app.inject({ url: `/orders/W100/choose?token=${encodeURIComponent(token)}` })
    assert.equal(landing.statusCode, 200)
    const post = (body: object, line = 1, order = 'W100') => app.inject({ method: 'POST', url: `/api/orders/${order}/lines/${line}/choice`, payload: body })
    const before = await snapshotCounts(db)
    const expired = signChoiceToken(secret, { orderNumber: 'W100', lineNo: 1, expiresAt: new Date(NOW.getTime() - 1000) })
    const cases: [object, number, string, number?, string?][] = [
      [{ token: expired, choice: 'wait' }, 410, 'CHOICE_TOKEN_EXPIRED'],
      [{ token: `${token}x`, choice: 'wait' }, 403, 'CHOICE_TOKEN_INVALID'],
      [{ token, choice: 'wait' }, 403, 'CHOICE_TOKEN_INVALID', 2],
      [{ token, choice: 'wait' }, 403, 'CHOICE_TOKEN_INVALID', 1, 'W999'],
      [{ token, choice: 'switch', sku: 'STOVE-1' }, 409, 'CHOICE_SKU_NOT_OFFERED'],
      [{ token, choice: 'switch', sku: 'TENT-2P-BLU' }, 409, 'CHOICE_PRICE_CONFIRMATION_REQUIRED'],
      [{ token, choice: 'explode' }, 400, 'REQUEST_INVALID'],
    ]
    for (const [body, code, error, line, order] of cases) {
      const r = await post(body, line, order)
      assert.equal(r.statusCode, code, `${JSON.stringify(body)}: ${r.body}`)
      assert.equal(r.json().error.code, error)
    }
    // The landing is the customer page: an expired link shows the lookup form with a clear reason.
    const expiredLanding = await app.inject({ url: `/orders/W100/choose?token=${encodeURIComponent(expired)}` })
    assert.equal(expiredLanding.statusCode, 400)
    assert.match(expiredLanding.body, /expired or is not valid/)
    assert.equal(await snapshotCounts(db), before)

    const ok = await post({ token, choice: 'switch', sku: 'TENT-2P-BLU', acceptPrice: true })
    assert.equal(ok.statusCode, 200, ok.body)
    assert.equal(ok.json().switched.sku, 'TENT-2P-BLU')
    assert.ok(!ok.body.includes('ACME'), 'no supplier in the customer answer')
    const used = await post({ token, choice: 'cancel' })
    assert.equal(used.statusCode, 409)
    assert.equal(used.json().error.code, 'CHOICE_TOKEN_USED')
    const [choice] = await db.query<{ decided_by: string; channel: string }>('SELECT decided_by, channel FROM line_choices')
    assert.deepEqual(choice, { decided_by: 'customer', channel: 'link' })

    // The stored customer view follows the switch.
    const after = await app.inject({ url: '/api/orders/W100/status?email=dana@example.com' })
    assert.equal(after.json().lines[0].sku, 'TENT-2P-BLU')
    assert.equal(after.json().lines[0].state, 'processing')

    // Purchasing documents: the retailer sees all; a supplier with its feed key its own only.
    const retailer = await issueApiKey(db, { name: 'erp', scope: 'retailer', now: NOW })
    const helpdesk = await issueApiKey(db, { name: 'desk', scope: 'helpdesk', now: NOW })
    const docs = await app.inject({ url: '/api/purchasing/documents', headers: { authorization: `Bearer ${retailer}` } })
    assert.equal(docs.statusCode, 200)
    assert.deepEqual(docs.json().map((d: { kind: string }) => d.kind), ['860', '850'])
    for (const d of docs.json()) new X12Parser(true).parse(d.x12)
    assert.equal((await app.inject({ url: '/api/purchasing/documents', headers: { authorization: `Bearer ${helpdesk}` } })).statusCode, 401)
    assert.equal((await app.inject({ url: '/api/purchasing/documents' })).statusCode, 401)
    const acme = await issueSupplierKey(db, 'ACME')
    const own = await app.inject({ url: '/api/purchasing/documents?supplier=ACME', headers: { authorization: `Bearer ${acme}` } })
    assert.equal(own.statusCode, 200)
    assert.ok(own.json().length >= 1 && own.json().every((d: { supplierId: string }) => d.supplierId === 'ACME'))
    assert.equal((await app.inject({ url: '/api/purchasing/documents?supplier=BOLT', headers: { authorization: `Bearer ${acme}` } })).statusCode, 401)
    assert.equal((await app.inject({ url: '/api/purchasing/documents', headers: { authorization: `Bearer ${acme}` } })).statusCode, 401)

    // Refunds: the cheaper choice on another order would list here; none yet, and the key is checked.
    const refunds = await app.inject({ url: '/api/refunds', headers: { authorization: `Bearer ${retailer}` } })
    assert.equal(refunds.statusCode, 200)
    assert.deepEqual(refunds.json(), [])
    assert.equal((await app.inject({ url: '/api/refunds', headers: { authorization: `Bearer ${helpdesk}` } })).statusCode, 401)
  } finally {
    await app.close()
    await db.close()
  }
})
