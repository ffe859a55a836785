import { test } from 'node:test'
import assert from 'node:assert/strict'
import { suggestEquivalents } from '../../src/domain/equivalent-suggest.ts'

const p = (sku: string, name: string, brand: string, color: string | null, size: string | null) => ({ sku, name, brand, family: null, color, size })

test('suggests products of other brands with the same color, size and name words; never the same brand or known pairs', () => {
  const products = [
    p('TH-TENT-GRN', 'Trailhead 2-Person Dome Tent Green', 'Trailhead', 'Green', '2P'),
    p('RL-TENT-GRN', 'Ridgeline 2-Person Dome Tent, green', 'Ridgeline', 'green', '2P'),
    p('RL-TENT-BLU', 'Ridgeline 2-Person Dome Tent, blue', 'Ridgeline', 'blue', '2P'),
    p('TH-TENT-GRN4', 'Trailhead 4-Person Dome Tent Green', 'Trailhead', 'green', '4P'),
    p('SU-STOVE', 'Summit Camp Stove', 'Summit', null, null),
    p('TH-STOVE', 'Trailhead Camp Stove', 'Trailhead', null, null),
  ]
  const got = suggestEquivalents(products, new Set())
  assert.deepEqual(got.map((s) => [s.sku, s.equivalentSku]), [['RL-TENT-GRN', 'TH-TENT-GRN'], ['SU-STOVE', 'TH-STOVE']])
  assert.match(got[0].reason, /Ridgeline vs Trailhead: 100% of name words shared, same color green, size 2P/)
  assert.deepEqual(suggestEquivalents(products, new Set(['TH-TENT-GRN|RL-TENT-GRN'])).map((s) => s.sku), ['SU-STOVE'])
})
