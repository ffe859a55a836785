/** Carrier + service names → service levels (docs/formats.md "Carrier services"), on the public 856 samples' TD5 segments. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { serviceLevel } from '../../src/domain/service-level.ts'
import { DEFAULT_CALENDAR, transitFor } from '../../src/domain/calendar.ts'
import { deriveLineStatus } from '../../src/domain/line-state.ts'
import { parseX12 } from '../../src/feeds/x12/reader.ts'
import { at, buildLine, ctx, shipment, signals } from './builders.ts'

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12', name))

test('the public 856 samples: each TD5 carrier (SCAC) + routing reads as its service level', () => {
  const cases: [string, string, string | null, string][] = [
    ['wismo/856-acme-partial.edi', 'UPSN', 'UPS GROUND', 'ground'],
    ['oopfactory-x12parser/ORD/_856/FromGregarican.txt', 'FED2', 'FEDX 2 DAY', '2day'],
    ['olmelabs-EdiEngine/856.Crossdock.OK.edi', 'OVNT', 'OVERNITE', 'freight'],
    ['oopfactory-x12parser/ORD/_856/Example3.txt', 'AVRT', 'AVERITT EXPRESS', 'freight'],
    ['oopfactory-x12parser/ORD/_856/Example2.txt', 'MPNF', null, 'default'],
    ['oopfactory-x12parser/ORD/_856/Example4.txt', 'NONE', 'CHR', 'default'],
    ['node-x12/856.edi', 'XXXX', 'XXXX', 'default'],
  ]
  for (const [file, scac, service, level] of cases) {
    const shipped = parseX12(fixture(file)).signals.filter((s) => s.carrier !== null || s.service)
    assert.ok(shipped.length > 0, file)
    for (const s of shipped) {
      assert.deepEqual([s.carrier, s.service ?? null], [scac, service], file)
      assert.equal(serviceLevel(s.carrier, s.service), level, `${file}: ${scac} ${service}`)
    }
  }
})

test('carrier feed spellings of services', () => {
  const cases: [string | null, string, string][] = [
    ['UPS', 'UPS GROUND', 'ground'], ['ups', 'Ground', 'ground'], ['FedEx', 'FedEx Home Delivery', 'ground'], [null, 'fedex_ground', 'ground'],
    ['FDEG', '', 'ground'], ['FedEx', 'FEDEX_2_DAY', '2day'], ['UPS', 'UPS 2nd Day Air', '2day'], ['UPS', 'UPS Next Day Air Saver', 'next_day'],
    ['FedEx', 'FedEx Priority Overnight', 'next_day'], ['FedEx', 'FedEx Standard Overnight', 'next_day'], ['UPS', 'UPS 3 Day Select', '3day'],
    ['FedEx', 'FedEx Express Saver', '3day'], ['USPS', 'USPS Priority Mail', 'priority'], ['USPS', 'Priority Mail Express', 'priority_express'],
    ['USPS', 'USPS Ground Advantage', 'mail'], ['USPS', 'First-Class Package Service', 'mail'], ['FedEx', 'FedEx Ground Economy', 'economy'],
    ['FedEx', 'SmartPost', 'economy'], ['JBHT', '', 'freight'], ['ODFL', 'Standard', 'freight'], [null, 'LTL', 'freight'],
    [null, '2day', '2day'], [null, 'pigeon', 'default'], [null, '', 'default'], [null, 'constructor', 'default'],
  ]
  for (const [carrier, service, level] of cases) assert.equal(serviceLevel(carrier, service), level, `${carrier} ${service}`)
})

test('transit days follow the level; an entry named exactly as the service still wins', () => {
  assert.deepEqual(transitFor('UPS GROUND', DEFAULT_CALENDAR, 'UPSN'), { min: 1, max: 5 })
  assert.deepEqual(transitFor('USPS Priority Mail', DEFAULT_CALENDAR), { min: 1, max: 3 })
  assert.deepEqual(transitFor('OVERNITE', DEFAULT_CALENDAR, 'OVNT'), { min: 3, max: 7 })
  const custom = { ...DEFAULT_CALENDAR, transitDays: { ...DEFAULT_CALENDAR.transitDays, 'ups ground': { min: 4, max: 4 } } }
  assert.deepEqual(transitFor('UPS Ground', custom), { min: 4, max: 4 })
})

test('a parcel shipped "UPS GROUND" gets ground transit, not the default', () => {
  // Shipped Tuesday 2026-12-01: ground is 1–5 business days (12-02..12-08), the default 2–5 (12-03..12-08).
  const status = deriveLineStatus(buildLine(), signals({ shipments: [shipment('1Z999', 5, { carrier: 'UPSN', service: 'UPS GROUND' })] }), ctx({ now: at('2026-12-01', '18:00:00') }))
  assert.deepEqual(status.eta, { earliest: '2026-12-02', latest: '2026-12-08', source: 'carrier' })
})
