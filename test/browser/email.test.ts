/**
 * Every trigger's email as a phone shows it: Chromium at 390 px wide (an iPhone 12–15), no
 * sideways scrolling, each choice button a 44 px target, and a screenshot kept as
 * test-results/email-<trigger>.png. The store's logo is served by the test (an SVG twice as wide
 * as the logo's slot) so its scaling is part of the layout checked.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { renderHtml } from '../../src/notify/templates/order-update.tsx'
import { FIXTURE_STORE, TRIGGERS, messageFor } from '../notify/message-fixtures.ts'
import { launchBrowser, screenshot, type Browser } from './kit.ts'

const LOGO = 'https://cdn.trailhead.example/logo.svg'
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="80"><rect width="320" height="80" fill="#1f5130"/><text x="16" y="52" font-size="32" fill="#fff">Trailhead</text></svg>'

let browser: Browser
before(async () => { browser = await launchBrowser() })
after(async () => { await browser?.close() })

for (const trigger of TRIGGERS) {
  test(`${trigger}: fits 390 px, buttons at least 44 px tall`, async () => {
    const ctx = await browser.context({ phone: true })
    try {
      // Nothing leaves the machine: the logo is answered here, anything else refused.
      await ctx.route('**/*', (r) => r.request().url() === LOGO ? r.fulfill({ contentType: 'image/svg+xml', body: SVG }) : r.abort())
      const page = await ctx.newPage()
      // A name long enough to wrap, as real catalogues have.
      const m = messageFor(trigger, { ...FIXTURE_STORE, logoUrl: LOGO }, 'Trailhead Ultralight Two-Person Backpacking Tent with Vestibule, blue')
      await page.setContent(await renderHtml(m), { waitUntil: 'load' })
      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        logo: (document.querySelector('img') as HTMLImageElement | null)?.getBoundingClientRect().width ?? null,
        buttons: [...document.querySelectorAll('a[href*="/choose?"]')].map((a) => ({ label: a.textContent, height: a.getBoundingClientRect().height })),
      }))
      assert.ok(layout.scrollWidth <= 390, `${trigger}: the page is ${layout.scrollWidth} px wide`)
      assert.ok(layout.logo !== null && layout.logo > 0 && layout.logo <= 390, `${trigger}: logo ${layout.logo}`)
      assert.equal(layout.buttons.length, m.lines.flatMap((l) => l.choices).length)
      for (const b of layout.buttons) assert.ok(b.height >= 44, `${trigger}: "${b.label}" is ${b.height} px tall`)
      await screenshot(page, `email-${trigger}`)
    } finally {
      await ctx.close()
    }
  })
}
