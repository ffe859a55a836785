import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freshDb } from '../helpers/db.ts'
import { choiceTokenExpiry, signChoiceToken, verifyChoiceToken } from '../../src/choices/choice-token.ts'
import { issueApiKey, verifyApiKey } from '../../src/store/api-keys.ts'
import { DomainError } from '../../src/domain/errors.ts'

const SECRET = 'test-secret-0123456789'
const now = new Date('2026-03-04T15:00:00Z')

const code = (fn: () => unknown) => {
  try {
    fn()
    return 'accepted'
  } catch (e) {
    return (e as DomainError).code
  }
}

test('a choice token names its order, line and expiry; tampered or expired ones are refused', () => {
  const token = signChoiceToken(SECRET, { orderNumber: 'W100', lineNo: 1, expiresAt: choiceTokenExpiry(now) })
  const claims = verifyChoiceToken(SECRET, token, now)
  assert.equal(claims.orderNumber, 'W100')
  assert.equal(claims.lineNo, 1)
  assert.equal(claims.expiresAt.toISOString(), '2026-03-18T15:00:00.000Z')
  assert.ok(claims.nonce.length >= 16)
  assert.notEqual(signChoiceToken(SECRET, { orderNumber: 'W100', lineNo: 1, expiresAt: choiceTokenExpiry(now) }), token, 'a fresh nonce each time')
  assert.equal(code(() => verifyChoiceToken(SECRET, token, new Date('2026-03-18T15:00:00Z'))), 'CHOICE_TOKEN_EXPIRED')
  assert.equal(code(() => verifyChoiceToken('another-secret-0123456', token, now)), 'CHOICE_TOKEN_INVALID')
  const [body, sig] = token.split('.')
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), l: 2 })).toString('base64url')
  assert.equal(code(() => verifyChoiceToken(SECRET, `${forged}.${sig}`, now)), 'CHOICE_TOKEN_INVALID')
  for (const bad of ['', 'x', 'a.b.c', `${body}.`, `.${sig}`, 'x'.repeat(5000)]) assert.equal(code(() => verifyChoiceToken(SECRET, bad, now)), 'CHOICE_TOKEN_INVALID', bad)
})

test('API keys: issued once per name and scope, checked by scope, rotated by issuing again', async () => {
  const db = await freshDb()
  try {
    const key = await issueApiKey(db, { name: 'erp', scope: 'retailer', now })
    assert.deepEqual(await verifyApiKey(db, key, 'retailer'), { name: 'erp' })
    assert.equal(await verifyApiKey(db, key, 'helpdesk'), null)
    assert.equal(await verifyApiKey(db, `${key}x`, 'retailer'), null)
    assert.equal(await verifyApiKey(db, undefined, 'retailer'), null)
    const rotated = await issueApiKey(db, { name: 'erp', scope: 'retailer', now })
    assert.equal(await verifyApiKey(db, key, 'retailer'), null)
    assert.deepEqual(await verifyApiKey(db, rotated, 'retailer'), { name: 'erp' })
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM api_keys WHERE key_hash LIKE '%' || $1 || '%'`, [rotated.slice(-10)])
    assert.equal(n, 0, 'only a hash is stored')
    await assert.rejects(issueApiKey(db, { name: 'bad name!', scope: 'retailer', now }), /API key name/)
  } finally {
    await db.close()
  }
})
