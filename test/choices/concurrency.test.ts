import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freshDb } from '../helpers/db.ts'
import { recordChoice } from '../../src/choices/record-choice.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { NOW, backorder, seedAlternatives } from './fixture.ts'

// On PostgreSQL the pool gives each choice its own connection, so the two transactions really
// overlap; on PGlite (one connection) they are serialized, and the rule must hold there too.
test('two choices for one line at once: one wins, the other is refused and changes nothing', async () => {
  const db = await freshDb()
  try {
    await seedAlternatives(db)
    await backorder(db)
    const base = { orderNumber: 'W100', lineNo: 1, decidedBy: 'customer', channel: 'link' as const, now: NOW }
    for (const [a, b] of [
      [{ choice: 'switch', sku: 'TENT-2P-GRN', tokenNonce: 'n1' }, { choice: 'cancel', tokenNonce: 'n1' }],
    ] as const) {
      const results = await Promise.allSettled([recordChoice(db, { ...base, ...a }), recordChoice(db, { ...base, ...b })])
      const won = results.filter((r) => r.status === 'fulfilled')
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      assert.equal(won.length, 1, JSON.stringify(results))
      assert.ok(lost[0].reason instanceof DomainError, String(lost[0].reason))
      assert.match(lost[0].reason.code, /^CHOICE_(TOKEN_USED|LINE_NOT_ELIGIBLE)$/)
    }
    // Two reps at once without a link: the second finds the line no longer backordered.
    const r2 = await Promise.allSettled([
      recordChoice(db, { ...base, orderNumber: 'W100', lineNo: 1, choice: 'cancel', decidedBy: 'rep:a@x', channel: 'cli' }),
      recordChoice(db, { ...base, orderNumber: 'W100', lineNo: 1, choice: 'cancel', decidedBy: 'rep:b@x', channel: 'cli' }),
    ])
    assert.equal(r2.filter((r) => r.status === 'fulfilled').length, 0, 'the line was already decided by the first round')
    const counts = await db.query<{ choices: number; refunds: number; docs: number }>(
      `SELECT (SELECT count(*)::int FROM line_choices) AS choices, (SELECT count(*)::int FROM refunds) AS refunds,
              (SELECT count(*)::int FROM purchasing_documents) AS docs`,
    )
    assert.equal(counts[0].choices, 1)
    assert.ok(counts[0].docs === 2 || counts[0].docs === 1)
  } finally {
    await db.close()
  }
})

test('two reps cancelling one backordered line at once: exactly one cancellation and one refund', async () => {
  const db = await freshDb()
  try {
    await seedAlternatives(db)
    await backorder(db)
    const one = (by: string) => recordChoice(db, { orderNumber: 'W100', lineNo: 1, choice: 'cancel', decidedBy: by, channel: 'cli', now: NOW })
    const results = await Promise.allSettled([one('rep:a@x'), one('rep:b@x'), one('rep:c@x')])
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as DomainError).code, 'CHOICE_LINE_NOT_ELIGIBLE')
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM refunds')
    assert.equal(n, 1)
  } finally {
    await db.close()
  }
})
