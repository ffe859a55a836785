/**
 * Issue 16 item 5: the subject and the body of every trigger's message agree. A subject that says
 * "delayed" (or backordered, later, a new delay) never heads a body saying the item "can no longer
 * be supplied", and the reverse; "your options" heads only a message with choices; a cancellation
 * never says the item will still ship.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { lineSentences } from '../../src/outreach/message-model.ts'
import { renderText } from '../../src/outreach/render-text.ts'
import { renderHtml } from '../../src/notify/templates/order-update.tsx'
import { TRIGGERS, factsFor, messageFor } from '../notify/message-fixtures.ts'
import { composeMessage } from '../../src/outreach/compose-message.ts'

const GONE = /can no longer be supplied|cannot supply/i
const LATE = /\bdelay|running late|backordered|later than|We now expect to ship|Keep waiting/i
const STILL_COMING = /should (now )?ship|should arrive|running late|We now expect/i

/** What each trigger's subject claims, and what its body must then say. */
const CLAIMS: Record<string, { subject: RegExp; body: RegExp }> = {
  cancelled: { subject: /cancelled and will be refunded/, body: /We cancelled 1 of this item.*full refund/ },
  unavailable: { subject: /can no longer be supplied — your options/, body: /cannot supply this item/ },
  renewed_delay: { subject: /a new delay — please tell us if you want to wait/, body: /Unless you tell us .* that you want to wait/ },
  backordered: { subject: /is backordered — your options/, body: /backordered/ },
  delayed: { subject: /is delayed — your options/, body: /running late/ },
  exception: { subject: /a problem with the delivery/, body: /delivery problem/ },
  switched: { subject: /your item is now Trailhead 2P Tent, blue/, body: /Your item is now Trailhead 2P Tent, blue/ },
  eta_slipped: { subject: /will arrive later than we said/, body: /arrive/ },
  restocked: { subject: /back in stock/, body: /back in stock/ },
  shipped: { subject: /has shipped/, body: /shipped/ },
}

for (const trigger of TRIGGERS) {
  test(`${trigger}: the subject and the body agree`, async () => {
    const m = messageFor(trigger)
    const body = m.lines.flatMap((l) => lineSentences(l, m.store)).join(' ')
    assert.match(m.subject, CLAIMS[trigger].subject)
    assert.match(body, CLAIMS[trigger].body)
    if (/delay|backordered|later/i.test(m.subject)) assert.doesNotMatch(body, GONE, `"${m.subject}" over a line nobody can supply`)
    if (GONE.test(m.subject)) assert.doesNotMatch(`${body} ${m.lines.flatMap((l) => l.choices.map((c) => c.label)).join(' ')}`, LATE, `"${m.subject}" over a delay`)
    if (/cancelled/.test(m.subject)) assert.doesNotMatch(body, STILL_COMING, `"${m.subject}" over an item still coming`)
    if (/your options|tell us/.test(m.subject)) assert.ok(m.lines.some((l) => l.choices.length > 0), 'options promised, none given')
    // Both parts carry the same subject and sentences.
    assert.ok(renderText(m).includes(m.lines[0].name))
    assert.ok((await renderHtml(m)).includes(`<title>${m.subject.replace(/&/g, '&amp;')}</title>`))
  })
}

test('a backorder told as news, with no notice and so no choices, is not headed "your options"', () => {
  const { order, plan, cancelled } = factsFor('backordered')
  plan.lines[0].notice = null
  const m = composeMessage(order, plan, cancelled, { store: messageFor('shipped').store, secret: 'fixture-secret-0123456789', now: new Date('2026-11-03T15:00:00Z'), timeZone: 'America/New_York' })
  assert.deepEqual(m.lines[0].choices, [])
  assert.equal(m.subject, 'Order W1001: an item is backordered')
})
