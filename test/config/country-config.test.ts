import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig } from '../../src/config.ts'
import { DomainError } from '../../src/domain/errors.ts'

test('WISMO_COUNTRY is the store\'s country: US unless set, any case, a 2-letter ISO code or refused', () => {
  assert.equal(loadConfig({}).country, 'US')
  assert.equal(loadConfig({ WISMO_COUNTRY: ' br ' }).country, 'BR')
  for (const bad of ['USA', 'XX', '1']) {
    assert.throws(() => loadConfig({ WISMO_COUNTRY: bad }), (err: unknown) => {
      assert.ok(err instanceof DomainError)
      assert.match(err.details.join('\n'), new RegExp(`WISMO_COUNTRY "${bad}" is not a 2-letter ISO country code`))
      return true
    })
  }
})
