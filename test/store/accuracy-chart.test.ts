import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { readAccuracy } from '../../src/store/accuracy.ts'
import { loadDashboard } from '../../src/http/pages/console/dashboard.ts'
import { addCalendarDays } from '../../src/domain/calendar.ts'
import { inProcessDriver, playScenario } from '../accuracy/scenario.ts'

const TZ = 'America/New_York'
const NOW = new Date('2026-11-25T17:00:00Z') // Wednesday
let db: Db
let dir: string

before(async () => {
  db = await freshDb()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-accuracy-chart-'))
  await playScenario(inProcessDriver(db, dir))
})
after(async () => {
  await db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

test('the dashboard\'s accuracy chart: each week\'s on-time share per milestone is `wismo accuracy` for that week', async () => {
  const { charts } = await loadDashboard(db, NOW, TZ, 'US')
  const chart = charts.find((c) => c.id === 'accuracy')!
  assert.match(chart.description, /arrived by the latest date wismo stated/)
  assert.deepEqual(chart.tableOnly, ['lines delivered'])
  const t = chart.table
  // B1 on Wed 4 (week of 2), A1 on Mon 9 (week of 9), A2 on Fri 20 (week of 16); no delivery this week.
  assert.deepEqual(t.labels, ['2026-11-02', '2026-11-09', '2026-11-16'])
  assert.deepEqual(t.series.map((s) => s.name), ['ordered', 'shipped', 'last', 'lines delivered'])
  for (const [i, monday] of t.labels.entries()) {
    const to = addCalendarDays(monday, 6)
    const report = await readAccuracy(db, { from: monday, to, timeZone: TZ, country: 'US' })
    for (const s of t.series.slice(0, 3)) {
      const share = report.milestones[s.name as 'ordered'].onTime
      assert.equal(s.values[i], Math.round(share! * 1000) / 10, `${s.name} week of ${monday}`)
    }
    assert.equal(t.series[3].values[i], report.milestones.ordered.lines)
  }
  assert.deepEqual(t.series[0].values, [100, 100, 0], 'A2 came 9 days after its first date')
})
