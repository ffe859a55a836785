import { test } from 'node:test'
import assert from 'node:assert/strict'
import { optionalDate, optionalEmail, optionalMoney, requiredInstant, requiredInt, requiredText } from '../../src/store/import/fields.ts'

const value = (schema: { safeParse(v: unknown): { success: boolean; data?: unknown } }, cell: string | undefined) => {
  const r = schema.safeParse(cell)
  return r.success ? r.data : 'refused'
}

test('placed_at: a date is midnight UTC, a date-time without offset is UTC, offsets are applied', () => {
  const s = requiredInstant()
  assert.equal(value(s, '2024-05-01'), '2024-05-01T00:00:00.000Z')
  assert.equal(value(s, '2024-05-01 10:00'), '2024-05-01T10:00:00.000Z')
  assert.equal(value(s, '2024-05-01t10:00z'), '2024-05-01T10:00:00.000Z')
  assert.equal(value(s, '2024-05-01T10:00:00.5+0530'), '2024-05-01T04:30:00.500Z')
  assert.equal(value(s, '2024-05-01T10:00:00-04:00'), '2024-05-01T14:00:00.000Z')
  for (const bad of ['2024-02-30', '2024-05-01T24:00', '2024-05-01T10', '05/01/2024', '', undefined]) {
    assert.equal(value(s, bad), 'refused', String(bad))
  }
})

test('numbers, money, dates, emails and text cells', () => {
  assert.equal(value(requiredInt(1), ' 7 '), 7)
  assert.equal(value(requiredInt(1), '0'), 'refused')
  assert.equal(value(requiredInt(0), '0'), 0)
  assert.equal(value(requiredInt(0), '99999999999'), 'refused')
  assert.equal(value(requiredInt(0), '1e3'), 'refused')
  assert.equal(value(optionalMoney(), '12.5'), '12.5')
  assert.equal(value(optionalMoney(), ''), undefined)
  assert.equal(value(optionalMoney(), '1,50'), 'refused')
  assert.equal(value(optionalDate(), '2024-02-29'), '2024-02-29')
  assert.equal(value(optionalDate(), '2023-02-29'), 'refused')
  assert.equal(value(optionalEmail(), 'a@b.example'), 'a@b.example')
  assert.equal(value(optionalEmail(), 'a@b'), 'refused')
  assert.equal(value(requiredText(), '  x  '), 'x')
  assert.equal(value(requiredText(), '   '), 'refused')
  assert.equal(value(requiredText(), 'caf\uFFFD'), 'refused', 'a non-UTF-8 byte is refused, not stored')
})
