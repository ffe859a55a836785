/**
 * The HTML part of every trigger's message: linted for mail-client support with
 * @jsx-email/doiuse-email (caniemail.com's data) for the clients most customers read mail in, and
 * checked for the store's look: viewport meta, logo, one button per choice, alternatives with
 * their arrival dates and price differences.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { doIUseEmail } from '@jsx-email/doiuse-email'
import { renderHtml } from '../../src/notify/templates/order-update.tsx'
import { FIXTURE_STORE, TRIGGERS, messageFor } from './message-fixtures.ts'

const CLIENTS = ['apple-mail.*', 'gmail.*', 'outlook.*', 'yahoo.*', 'samsung-email.*', 'thunderbird.*']

/**
 * What the linter reports that no email can or should avoid, each with why:
 * - `<body> element`: Outlook's apps and Yahoo's replace <body> with a <div>; react-email's Body
 *   repeats its styles on an inner cell, so nothing is lost.
 * - `role attribute` (Windows Mail): role="presentation" tells screen readers a layout table is
 *   not data; a client that ignores it loses nothing.
 */
const UNAVOIDABLE = /^`(<body> element|role attribute)` /

const LOGO = 'https://cdn.trailhead.example/logo.png'

for (const trigger of TRIGGERS) {
  test(`${trigger}: the HTML passes the mail linter with zero errors`, async () => {
    const html = await renderHtml(messageFor(trigger, { ...FIXTURE_STORE, logoUrl: LOGO }))
    const r = doIUseEmail(html, { emailClients: CLIENTS })
    const errors = r.success ? [] : r.errors
    assert.deepEqual(errors.filter((e) => !UNAVOIDABLE.test(e)), [])
  })
}

test('viewport meta; the logo with the store name as alt text only when configured', async () => {
  const plain = await renderHtml(messageFor('delayed'))
  assert.match(plain, /<meta name="viewport" content="width=device-width, initial-scale=1"\/>/)
  assert.doesNotMatch(plain, /<img/)
  const branded = await renderHtml(messageFor('delayed', { ...FIXTURE_STORE, logoUrl: LOGO }))
  assert.match(branded, new RegExp(`<img src="${LOGO}" alt="Trailhead Outfitters"`))
})

test('one button per choice: wait (when the line can wait), each alternative, cancel; alternatives with date and price', async () => {
  const backordered = await renderHtml(messageFor('backordered'))
  const buttons = [...backordered.matchAll(/<a href="([^"]+)"[^>]*display:block[^>]*>([^<]+)<\/a>/g)].map((b) => [b[2], new URL(b[1].replace(/&amp;/g, '&')).searchParams.get('pick')])
  assert.deepEqual(buttons, [
    ['Keep waiting', 'wait'], ['Switch to Trailhead 2P Tent, green', 'TENT-2P-GRN'], ['Switch to Trailhead 2P Tent Pro, orange', 'TENT-2P-PRO'],
    ['Cancel this item for a full refund', 'cancel'],
  ])
  assert.match(backordered, /Trailhead 2P Tent, green: arrives by Tuesday, November 10, same price/)
  assert.match(backordered, /Trailhead 2P Tent Pro, orange: arrives by Monday, November 9, costs \$20\.00 more per item/)
  assert.match(backordered, /<h2[^>]*>Trailhead 2P Tent, blue \(×1\)<\/h2>/)
  // A line nobody can supply is never offered a wait.
  const unavailable = await renderHtml(messageFor('unavailable'))
  assert.doesNotMatch(unavailable, /Keep waiting|pick=wait/)
  assert.match(unavailable, /pick=cancel/)
})
