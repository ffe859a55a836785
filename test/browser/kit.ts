/**
 * Browser test kit: the real app listening on a free port, Debian's Chromium through
 * playwright-core (one browser per test file, a fresh profile each time), axe-core injected from
 * node_modules, and screenshots under test-results/.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import assert from 'node:assert/strict'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import type { FastifyInstance } from 'fastify'

const require = createRequire(import.meta.url)
export const AXE_PATH = require.resolve('axe-core/axe.min.js')
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
export const SHOTS = path.resolve('test-results')

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync']

export interface Browser {
  context(opts?: { phone?: boolean }): Promise<BrowserContext>
  close(): Promise<void>
}

/**
 * Launches Chromium. Playwright gives every launch its own new temporary user-data-dir (and
 * refuses a --user-data-dir flag), so each file starts from a fresh profile; each context() is a
 * clean session on top of it.
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })
  return {
    context: ({ phone } = {}) =>
      browser.newContext(phone ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 900 } }),
    close: () => browser.close(),
  }
}

export const AXE_URL = '/test-only/axe.min.js'

/**
 * Listens on a free local port; returns the base URL. axe-core is served from the same origin
 * first, so it runs under the pages' own CSP (script-src 'self') without weakening it for the test.
 */
export async function listen(app: FastifyInstance): Promise<string> {
  const axe = fs.readFileSync(AXE_PATH)
  app.get(AXE_URL, async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(axe))
  return app.listen({ port: 0, host: '127.0.0.1' })
}

/** Runs axe-core on the page; fails on any serious or critical violation, naming them. */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  await page.addScriptTag({ url: new URL(AXE_URL, page.url()).toString() })
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe
    const r = await axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))
  })
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  assert.deepEqual(bad, [], `${label}: axe found ${bad.map((v) => `${v.id} (${v.impact}: ${v.help}) at ${v.targets.join(', ')}`).join('; ')}`)
}

/** Keeps a screenshot of the page under test-results/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true })
}
