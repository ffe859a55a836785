import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import fc from 'fast-check'
import { detectCarrier, detectTrackingNumber } from '../../src/carriers/tracking-number.ts'
import { carrierName, findCarrier, trackingUrl } from '../../src/carriers/carriers.ts'
import { CourierSpecSchema, trackingFormats, type CourierSpec } from '../../src/carriers/tracking-specs.ts'
import { runWismo } from '../helpers/cli.ts'

// The specs' own test numbers, read as files (not through the code under test).
const DIR = new URL('../../src/carriers/data/couriers/', import.meta.url)
const COURIERS: CourierSpec[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => CourierSpecSchema.parse(JSON.parse(readFileSync(new URL(f, DIR), 'utf8'))))
const formatId = (f: CourierSpec['tracking_numbers'][number]) => f.id ?? f.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')
const VALID = COURIERS.flatMap((c) => c.tracking_numbers.flatMap((f) => f.test_numbers.valid.map((n) => ({ courier: c.courier_code, format: formatId(f), n }))))
const INVALID = COURIERS.flatMap((c) => c.tracking_numbers.flatMap((f) => f.test_numbers.invalid.map((n) => ({ courier: c.courier_code, format: formatId(f), n }))))

// Numbers two couriers' specs both accept that go to the other courier (none today: see
// "a regex-only format is believed only where its published numbers back it" below).
const KNOWN_AMBIGUOUS: Record<string, string> = {}

const rate = (ok: number, all: number) => `${ok}/${all} (${((100 * ok) / all).toFixed(1)}%)`

describe('the tracking_number_data test numbers', () => {
  test('there are 18 courier files, each with valid and invalid numbers', () => {
    assert.equal(COURIERS.length, 18)
    assert.equal(trackingFormats().length, COURIERS.reduce((s, c) => s + c.tracking_numbers.length, 0))
    assert.ok(VALID.length >= 190 && INVALID.length >= 80, `${VALID.length} valid, ${INVALID.length} invalid`)
  })

  for (const c of COURIERS) {
    test(`${c.courier_code}: every valid number is recognized as ${c.name}, every invalid one refused`, (t) => {
      const valid = VALID.filter((v) => v.courier === c.courier_code)
      const invalid = INVALID.filter((v) => v.courier === c.courier_code)
      const misses: string[] = []
      let first = 0
      for (const { n } of valid) {
        const m = detectTrackingNumber(n)
        if (m?.valid && m.courierCode === c.courier_code) first++
        else if (!(m?.valid && m.alternatives.some((a) => a.courierCode === c.courier_code))) misses.push(`${JSON.stringify(n)} → ${JSON.stringify(m)}`)
        else assert.equal(KNOWN_AMBIGUOUS[n.replace(/\s/g, '')], m.courierCode, `${n} went to ${m.courierCode}`)
      }
      const accepted = invalid.filter(({ n, format }) => {
        const m = detectTrackingNumber(n)
        return m?.valid && m.format === format
      })
      t.diagnostic(`valid recognized: ${rate(first, valid.length)}; invalid refused: ${rate(invalid.length - accepted.length, invalid.length)}`)
      assert.deepEqual(misses, [], 'valid numbers not recognized')
      assert.deepEqual(accepted.map((a) => a.n), [], 'invalid numbers accepted by the format they are invalid for')
    })
  }

  test('overall: at least 99% of valid numbers go to their courier, and 99% of invalid ones are refused', (t) => {
    const recognized = VALID.filter(({ n, courier }) => detectTrackingNumber(n)?.courierCode === courier && detectCarrier(n) !== null)
    const refused = INVALID.filter(({ n, format }) => {
      const m = detectTrackingNumber(n)
      return !(m?.valid && m.format === format)
    })
    t.diagnostic(`valid: ${rate(recognized.length, VALID.length)}; invalid: ${rate(refused.length, INVALID.length)}`)
    assert.ok(recognized.length / VALID.length >= 0.99)
    assert.ok(refused.length / INVALID.length >= 0.99)
  })

  test('a check digit changed to any other value makes the number invalid for its format', () => {
    for (const f of trackingFormats().filter((x) => x.checksum)) {
      const spec = COURIERS.find((c) => c.courier_code === f.courierCode)!.tracking_numbers[f.order]
      const withIndices = new RegExp(f.pattern.source, 'd')
      for (const raw of spec.test_numbers.valid) {
        const n = raw.replace(/\s/g, '')
        const at = withIndices.exec(n)?.indices?.groups?.CheckDigit?.[0]
        assert.ok(at !== undefined, `${n}: no check digit`)
        for (const d of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.replace(n[at], '')) {
          const changed = n.slice(0, at) + d + n.slice(at + 1)
          const m = detectTrackingNumber(changed)
          assert.ok(!(m?.valid && m.format === f.id), `${changed} accepted as ${f.id}`)
        }
      }
    }
  })
})

describe('detectTrackingNumber', () => {
  test('spaces, dashes and case do not matter', () => {
    for (const { n } of VALID) {
      const expected = detectTrackingNumber(n)
      const compact = n.replace(/\s/g, '')
      // Numbers whose format has a dash of its own (LaserShip's `-1`) get spaces only.
      const sep = compact.includes('-') ? '$1 ' : '$1 - '
      const messy = ` ${compact.toLowerCase().replace(/(.{4})(?!$)/g, sep)}\t`
      assert.deepEqual(detectTrackingNumber(messy), expected, messy)
    }
    assert.equal(detectTrackingNumber('1z5r-8939-0357-5671-27')?.number, '1Z5R89390357567127')
  })

  test('a dash the format itself carries is kept (LaserShip 1LS7 … -1)', () => {
    assert.equal(detectTrackingNumber('1ls7 1190 1361 8127-1')?.number, '1LS7119013618127-1')
    assert.equal(detectCarrier('1LS7119013618127-2'), null)
  })

  test('the USPS / FedEx look-alikes are told apart by the specs', () => {
    // A 34-digit USPS IMpb (420 + ZIP + 92…) also passes FedEx's 34-digit check: USPS's format is narrower.
    const usps34 = detectTrackingNumber('4201028200009261290113185417468510')
    assert.equal(usps34?.carrier, 'USPS')
    assert.deepEqual(usps34?.alternatives.map((a) => a.carrier), ['FedEx'])
    assert.equal(detectCarrier('9205590164917337534322'), 'USPS')
    assert.equal(detectCarrier('9611020987654312345672'), 'FedEx')
    assert.equal(detectCarrier('9622001560001234567100794808390594'), 'FedEx')
  })

  test('a regex-only format is believed only where its published numbers back it (JFV… is Purolator, not DHL)', () => {
    // Purolator's "3 letters + 9 digits" lists JFV247545960 among its numbers; DHL's piece-ID
    // pattern (J + 2–3 letters + 9–10 digits, no check digit) lists only 13- and 14-character ones.
    for (const n of ['JFV245892153', 'JFV247545960', 'jfv 245 892 153']) {
      const m = detectTrackingNumber(n)
      assert.deepEqual([m?.carrier, m?.courierCode, m?.valid], ['Purolator', 'purolator', true], n)
    }
    assert.equal(detectCarrier('JJD0099999999'), 'DHL', 'a piece ID of the published shape is still DHL')
    assert.equal(detectCarrier('JABC123456789'), 'DHL', 'the only pattern that fits is still taken')
  })

  test('a wrong check digit still names the look-alike carrier, but is not valid', () => {
    const m = detectTrackingNumber('1Z5R89390357567128')
    assert.equal(m?.courierCode, 'ups')
    assert.equal(m?.valid, false)
    assert.equal(detectCarrier('1Z5R89390357567128'), null)
    assert.equal(detectTrackingNumber('hello world'), null)
  })

  test('S10 numbers belong to the post of their country code', () => {
    const us = detectTrackingNumber('rb 123 456 785 us')
    assert.deepEqual([us?.carrier, us?.courierCode, us?.valid], ['USPS', 's10', true])
    assert.match(us?.url ?? '', /usps\.com.*RB123456785US/)
    const gb = detectTrackingNumber('RB123456785GB')
    assert.deepEqual([gb?.carrier, gb?.url], ['Royal Mail Group plc', null])
    assert.equal(detectTrackingNumber('RB123456785XX')?.valid, false)
  })

  test('each recognized number links to its courier’s tracking page', () => {
    const urls: Record<string, RegExp> = {
      '1Z5R89390357567127': /^https:\/\/wwwapps\.ups\.com\/.*trackNums=1Z5R89390357567127$/,
      '986578788855': /^https:\/\/www\.fedex\.com\/.*tracknumbers=986578788855$/,
      '9400111206206406260787': /^https:\/\/tools\.usps\.com\/.*tLabels=9400111206206406260787$/,
      '3318810025': /^https:\/\/www\.dhl\.com\/.*AWB=3318810025$/,
      'C11031500001879': /^https:\/\/www\.ontrac\.com\/.*number=C11031500001879$/,
      'TBA000000000000': /^https:\/\/track\.amazon\.com\/tracking\/TBA000000000000$/,
      'LX17635036': /^https:\/\/www\.lasership\.com\/track\/LX17635036$/,
      '0073938000549297': /canadapost-postescanada\.ca\/.*0073938000549297$/,
    }
    for (const [n, re] of Object.entries(urls)) assert.match(detectTrackingNumber(n)?.url ?? '', re, n)
  })

  test('detection never throws, whatever the input', () => {
    const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 80 }), fc.stringMatching(/^[0-9A-Z \-]{0,70}$/))
    fc.assert(
      fc.property(anyText, (s) => {
        const m = detectTrackingNumber(s)
        assert.equal(detectCarrier(s), m?.valid ? m.carrier : null)
      }),
      { numRuns: 2000 },
    )
    for (const odd of [null, undefined, 42, {}] as unknown as string[]) assert.equal(detectTrackingNumber(odd), null)
  })
})

describe('carriers by name', () => {
  test('SCAC codes, courier codes and spellings find the carrier, in any case', () => {
    const names: Record<string, string> = {
      UPSN: 'UPS', ups: 'UPS', 'United Parcel Service': 'UPS',
      FDEG: 'FedEx', fdxg: 'FedEx', FXFE: 'FedEx', fedex_ground: 'FedEx', 'FedEx Ground Economy': 'FedEx',
      USPS: 'USPS', 'U.S. Postal Service': 'USPS', 'United States Postal Service': 'USPS',
      DHLC: 'DHL', 'dhl-express': 'DHL', ONTC: 'OnTrac', ontrac: 'OnTrac', LASERSHIP: 'LaserShip', LSHP: 'LaserShip',
      AMZL: 'Amazon Logistics', amazon: 'Amazon Logistics', CNPR: 'Canpar', canada_post: 'Canada Post',
      'Canada Post': 'Canada Post', PRLA: 'Purolator', ODFL: 'Old Dominion', 'Old Dominion Freight Line': 'Old Dominion',
      dpd: 'DPD', gofo: 'GOFO Express', 'Spee-Dee Delivery': 'Spee-Dee Delivery', YODEL: 'Yodel', yunexpress: 'YunExpress',
    }
    for (const [alias, name] of Object.entries(names)) assert.equal(findCarrier(alias)?.name, name, alias)
    // SCACs of parcel and freight carriers, as 856 TD503 and 214 B1003 send them.
    const scacs: Record<string, string> = {
      UPSS: 'UPS', FDEN: 'FedEx', FDE: 'FedEx', FXNL: 'FedEx', EMSY: 'OnTrac', PRLA: 'Purolator', AVRT: 'Averitt Express',
      EXLA: 'Estes Express Lines', SAIA: 'Saia', RLCA: 'R+L Carriers', ABFS: 'ABF Freight', XPOL: 'XPO', JBHT: 'J.B. Hunt',
      SEFL: 'Southeastern Freight Lines', AACT: 'AAA Cooper', UPGF: 'TForce Freight', YFSY: 'YRC Freight',
    }
    for (const [scac, name] of Object.entries(scacs)) assert.equal(carrierName(scac), name, scac)
    // Placeholders some suppliers put in TD503 name no carrier at all.
    for (const none of ['NONE', 'XXXX', 'ZZZZ', 'SCAC', 'N/A', 'unknown', 'TBD']) assert.equal(carrierName(none), null, none)
    assert.equal(findCarrier('Estes'), null)
    assert.equal(carrierName('Estes'), 'Estes')
    assert.equal(carrierName('fdeg'), 'FedEx')
    assert.equal(carrierName(null), null)
  })

  test('trackingUrl uses the spec URL, or wismo’s own for carriers the specs give none', () => {
    assert.match(trackingUrl('UPSN', '1Z999AA10123456784') ?? '', /^https:\/\/wwwapps\.ups\.com\/.*1Z999AA10123456784$/)
    assert.match(trackingUrl('FDEG', '986578788855') ?? '', /fedex\.com\/.*986578788855$/)
    assert.match(trackingUrl('Amazon', 'TBA000000000000') ?? '', /track\.amazon\.com/)
    assert.match(trackingUrl('LaserShip', '1LS7119013618127-1') ?? '', /lasership\.com\/track\/1LS7119013618127-1$/)
    assert.equal(trackingUrl('Estes', '123'), null)
    assert.equal(trackingUrl(null, '1Z999AA10123456784'), null)
  })
})

describe('wismo tracking', () => {
  test('answers each number in order; exit 1 when one is not recognized', async () => {
    const r = await runWismo(['tracking', '1Z5R89390357567127', '9400 1112 0620 6406 2607 87', 'bogus', '--json'])
    assert.equal(r.code, 1, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), [
      { number: '1Z5R89390357567127', carrier: 'UPS', url: detectTrackingNumber('1Z5R89390357567127')?.url, valid: true },
      { number: '9400111206206406260787', carrier: 'USPS', url: detectTrackingNumber('9400111206206406260787')?.url, valid: true },
      { number: 'bogus', carrier: null, url: null, valid: false },
    ])
    assert.equal(r.stderr.trim().split('\n').length, 1)
    assert.match(r.stderr, /bogus/)
  })

  test('human output is one line per number; exit 0 when all are recognized, 2 with none', async () => {
    const ok = await runWismo(['tracking', '1Z5R89390357567127', 'TBA000000000000'])
    assert.equal(ok.code, 0, ok.stderr)
    assert.deepEqual(ok.stdout.trim().split('\n').map((l) => l.split(/\s+/)[1]), ['UPS', 'Amazon'])
    assert.equal((await runWismo(['tracking'])).code, 2)
  })
})
