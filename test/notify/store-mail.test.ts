/**
 * Emails that look like the store's, through a real SMTP server and mailparser: the From is the
 * store (its name quoted properly even with a comma and quotes), the HTML has the viewport meta
 * and the store's logo, and the text part's choice links are short and resolve to the signed ones.
 */
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig } from '../../src/config.ts'
import { outreachOptionsFrom } from '../../src/outreach/outreach-config.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { startSmtp, type TestSmtp } from './mail-helpers.ts'
import { feed, parseAll, sweepAndSend } from '../outreach/helpers.ts'
import { resolveShortLink } from '../../src/store/short-links.ts'

let smtp: TestSmtp
before(async () => { smtp = await startSmtp() })
after(() => smtp.close())

const NAME = 'Smith, Jones & "Co" Outdoor'
const LOGO = 'https://cdn.smithjones.example/logo.png'

test('From is the store, quoted; HTML has the viewport and the logo; the text part links are short', async () => {
  const config = loadConfig({
    WISMO_STORE_NAME: NAME, WISMO_SUPPORT_EMAIL: 'help@smithjones.example', WISMO_STORE_LOGO_URL: LOGO,
    WISMO_PUBLIC_URL: 'https://orders.smithjones.example', WISMO_DATA_DIR: '/tmp/wismo-store-mail-test',
  })
  assert.deepEqual(config.mailFrom, { name: NAME, address: 'help@smithjones.example' })
  const db = await freshDb()
  try {
    await seedCatalog(db)
    await seedOrder(db, { orderNumber: 'W1', email: 'dana@example.com', placedAt: '2026-11-02T10:00:00Z', promisedShipDate: '2026-11-05',
      lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }] })
    await feed(db, ['W1,1,,backordered,1,,,'], '2026-11-03T14:00:00Z')
    await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url, outreachOptionsFrom({ ...config, secret: 'store-mail-secret-0123456789' }))
    const [mail] = await parseAll(smtp.received)
    assert.deepEqual(mail.from?.value, [{ name: NAME, address: 'help@smithjones.example' }])
    assert.match(mail.headers.get('message-id') as string, /@smithjones\.example>$/)
    const html = String(mail.html)
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1"/)
    assert.match(html, new RegExp(`<img src="${LOGO}" alt="Smith, Jones &amp; &quot;Co&quot; Outdoor"`))
    const text = mail.text ?? ''
    const links = [...text.matchAll(/^ {2}(Keep waiting|Cancel this item for a full refund|Switch to [^:]+): (\S+)$/gm)]
    assert.deepEqual(links.map((l) => l[1].replace(/^Switch to .+/, 'Switch to …')), ['Keep waiting', 'Switch to …', 'Cancel this item for a full refund'])
    for (const [, , url] of links) {
      assert.match(url, /^https:\/\/orders\.smithjones\.example\/l\/[A-Za-z0-9_-]{16}$/)
      const long = await resolveShortLink(db, url.slice(-16), new Date('2026-11-04T12:00:00Z'))
      assert.match(long ?? '', /^https:\/\/orders\.smithjones\.example\/orders\/W1\/choose\?token=[^&]+&pick=(wait|cancel|TENT-2P-GRN)$/)
    }
    assert.doesNotMatch(text, /choose\?token=/, 'no long signed choice URL in the text part')
  } finally {
    await db.close()
  }
})

test('no From at localhost by default: the store name and support address', () => {
  const config = loadConfig({ WISMO_DATA_DIR: '/tmp/wismo-store-mail-test' })
  assert.deepEqual(config.mailFrom, { name: config.storeName, address: config.supportEmail })
  assert.equal(loadConfig({ WISMO_MAIL_FROM: 'Orders <orders@shop.example>', WISMO_DATA_DIR: '/tmp/x' }).mailFrom, 'Orders <orders@shop.example>')
  const refused = (env: Record<string, string>, why: RegExp) =>
    assert.throws(() => loadConfig({ ...env, WISMO_DATA_DIR: '/tmp/x' }), (e: unknown) => why.test(JSON.stringify((e as { details?: unknown }).details)))
  refused({ WISMO_STORE_LOGO_URL: 'http://cdn.shop.example/logo.png' }, /WISMO_STORE_LOGO_URL must start with https/)
  refused({ WISMO_STORE_LOGO_URL: 'logo.png' }, /WISMO_STORE_LOGO_URL must be an absolute https/)
  refused({ WISMO_MAIL_FROM: 'nobody' }, /WISMO_MAIL_FROM must hold an address/)
})
