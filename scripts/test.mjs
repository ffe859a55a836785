#!/usr/bin/env node
// Runs the whole suite on the embedded PGlite, then again on a PostgreSQL server when
// TEST_DATABASE_URL is set (CI sets it). Node 20's --test finds no .ts files by itself: list them.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

function find(dir) {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? find(p) : e.name.endsWith('.test.ts') ? [p] : []
  })
}

const only = process.argv.slice(2)
const files = (only.length > 0 ? only : find('test')).sort()
const server = process.env.TEST_DATABASE_URL
const runs = [{ label: 'PGlite', env: { ...process.env, TEST_DATABASE_URL: '' } }]
if (server) runs.push({ label: `PostgreSQL (${server})`, env: process.env })

let failed = false
for (const run of runs) {
  console.log(`\n=== test suite on ${run.label} ===`)
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
    stdio: 'inherit',
    env: run.env,
  })
  if (res.status !== 0) failed = true
}
process.exit(failed ? 1 : 0)
