import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig } from '../../src/config.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { calendarFrom } from '../../src/status/calendar-config.ts'
import { addBusinessDays, isBusinessDay } from '../../src/domain/calendar.ts'
import { freshDb } from '../helpers/db.ts'

// The store's country's public holidays come from date-holidays (src/util/country-holidays.ts)
// and are added to WISMO_HOLIDAYS by calendarFrom, for the years around the instant asked about.
const db = await freshDb()
after(() => db.close())
const JUNE_2026 = new Date('2026-06-01T12:00:00Z')
const calendarOf = (env: Record<string, string>, around: Date | Date[] = JUNE_2026) => calendarFrom(db, loadConfig(env), around)

function refused(env: Record<string, string>, why: RegExp) {
  assert.throws(() => loadConfig(env), (err: unknown) => {
    assert.ok(err instanceof DomainError)
    assert.match(err.details.join('\n'), why)
    return true
  })
}

test('by default the US public holidays count: Thanksgiving, Christmas, the July 3 substitute for a Saturday July 4', async () => {
  const config = loadConfig({})
  assert.deepEqual(config.countryHolidays, { country: 'US', region: null })
  const cal = await calendarOf({})
  for (const day of ['2026-01-01', '2026-01-19', '2026-05-25', '2026-06-19', '2026-07-03', '2026-07-04', '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25', '2027-01-01']) {
    assert.ok(cal.holidays.includes(day), `${day} is a US public holiday`)
  }
  assert.equal(isBusinessDay('2026-11-26', cal), false, 'Thanksgiving is not a business day')
  assert.equal(isBusinessDay('2026-07-03', cal), false, 'the substitute day is not a business day')
  // Public holidays only: observances and optional days are working days unless configured.
  for (const day of ['2026-11-27', '2026-12-24', '2026-12-31', '2026-04-15']) assert.equal(isBusinessDay(day, cal), true, `${day} is a working day`)
  // Three years either side of the instant: a calendar used in 2026 knows 2023's and 2029's.
  assert.ok(cal.holidays.includes('2023-11-23') && cal.holidays.includes('2029-11-22'))
  assert.ok(!cal.holidays.some((d) => d < '2023-01-01' || d > '2029-12-31'))
  assert.equal(addBusinessDays('2026-11-25', 1, cal), '2026-11-27')
})

test('the span follows the instants: a replay of 2019 gets 2019\'s holidays', async () => {
  const cal = await calendarOf({}, [new Date('2019-10-01T00:00:00Z'), new Date('2019-12-31T00:00:00Z')])
  assert.ok(cal.holidays.includes('2019-11-28'), 'Thanksgiving 2019')
  assert.ok(cal.holidays.includes('2016-12-26') && cal.holidays.includes('2022-12-26'), 'Christmas observed on the Monday, 2016 and 2022')
  assert.equal(cal.holidays.includes('2026-11-26'), false)
  assert.equal(await calendarOf({}, new Date('2019-11-01T00:00:00Z')), await calendarOf({}, new Date('2019-03-01T00:00:00Z')), 'one calendar object per span (cached)')
})

test('configured WISMO_HOLIDAYS still count, on top of the country\'s', async () => {
  const cal = await calendarOf({ WISMO_HOLIDAYS: '2026-11-27, 2026-12-24' })
  for (const day of ['2026-11-26', '2026-11-27', '2026-12-24', '2026-12-25']) assert.equal(isBusinessDay(day, cal), false, day)
  assert.equal(addBusinessDays('2026-11-25', 1, cal), '2026-11-30')
})

test('WISMO_COUNTRY=GB gives the UK bank holidays, substitute days included; BR the Brazilian ones', async () => {
  const gb = await calendarOf({ WISMO_COUNTRY: 'GB', WISMO_TIMEZONE: 'Europe/London' })
  for (const day of ['2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-12-25', '2026-12-28']) assert.ok(gb.holidays.includes(day), `GB ${day}`)
  assert.equal(isBusinessDay('2026-12-28', gb), false, 'Boxing Day falls on a Saturday: the Monday is its substitute')
  assert.equal(isBusinessDay('2026-11-26', gb), true, 'no Thanksgiving in the UK')
  const br = await calendarOf({ WISMO_COUNTRY: 'br', WISMO_TIMEZONE: 'America/Sao_Paulo' })
  for (const day of ['2026-04-03', '2026-04-21', '2026-09-07', '2026-10-12', '2026-11-02', '2026-11-20', '2026-12-25']) assert.ok(br.holidays.includes(day), `BR ${day}`)
  assert.equal(isBusinessDay('2026-07-03', br), true)
})

test('WISMO_HOLIDAY_REGION adds a region\'s own holidays (a US state, a German Land)', async () => {
  assert.deepEqual(loadConfig({ WISMO_HOLIDAY_REGION: 'ca' }).countryHolidays, { country: 'US', region: 'CA' })
  assert.ok((await calendarOf({ WISMO_HOLIDAY_REGION: 'CA' })).holidays.includes('2026-03-31'), 'César Chávez Day in California')
  assert.equal((await calendarOf({})).holidays.includes('2026-03-31'), false)
  const by = await calendarOf({ WISMO_COUNTRY: 'DE', WISMO_HOLIDAY_REGION: 'BY' })
  assert.ok(by.holidays.includes('2026-01-06') && by.holidays.includes('2026-06-04'), 'Epiphany and Corpus Christi in Bavaria')
  assert.equal((await calendarOf({ WISMO_COUNTRY: 'DE' })).holidays.includes('2026-01-06'), false)
  refused({ WISMO_HOLIDAY_REGION: 'ZZ' }, /WISMO_HOLIDAY_REGION "ZZ" is not a region of US .*\(one of .*CA/)
})

test('WISMO_COUNTRY_HOLIDAYS=off leaves only the configured holidays (a store that ships every weekday)', async () => {
  for (const off of ['off', 'OFF', 'false', '0', 'no']) assert.equal(loadConfig({ WISMO_COUNTRY_HOLIDAYS: off }).countryHolidays, null, off)
  assert.deepEqual(loadConfig({ WISMO_COUNTRY_HOLIDAYS: 'on' }).countryHolidays, { country: 'US', region: null })
  const cal = await calendarOf({ WISMO_COUNTRY_HOLIDAYS: 'off', WISMO_HOLIDAYS: '2026-12-25' })
  assert.equal(isBusinessDay('2026-11-26', cal), true)
  assert.equal(isBusinessDay('2026-12-25', cal), false)
  assert.deepEqual(cal.holidays, ['2026-12-25'])
  refused({ WISMO_COUNTRY_HOLIDAYS: 'sometimes' }, /WISMO_COUNTRY_HOLIDAYS "sometimes": expected on or off/)
})

test('a country the holidays library does not know is refused, naming WISMO_COUNTRY and the way out', () => {
  // Antarctica has an ISO code (so WISMO_COUNTRY takes it) but no public holidays.
  refused({ WISMO_COUNTRY: 'AQ' }, /WISMO_COUNTRY "AQ": the holidays library \(date-holidays\) has no holidays for this country; set WISMO_COUNTRY_HOLIDAYS=off/)
  assert.equal(loadConfig({ WISMO_COUNTRY: 'AQ', WISMO_COUNTRY_HOLIDAYS: 'off' }).country, 'AQ')
  refused({ WISMO_COUNTRY: 'XX' }, /WISMO_COUNTRY "XX" is not a 2-letter ISO country code/)
})
