import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runWismo } from '../helpers/cli.ts'
import { freshDbEnv } from '../helpers/db.ts'

const fx = (name: string) => path.join(import.meta.dirname, '../fixtures/x12', name)
let dir: string
let env: Record<string, string>
const wismo = (...args: string[]) => runWismo([...args, '--now', '2026-11-20T09:30:00Z'], env)

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-x12-'))
  env = await freshDbEnv(path.join(dir, 'data'))
  const suppliers = path.join(dir, 'suppliers.csv')
  fs.writeFileSync(suppliers, 'supplier_id,name,email,phone,edi_id,lead_time_days\nACME,Acme Outdoor Supply,orders@acme.example,,ACMEEDI,3\n')
  const r = await wismo('import', 'suppliers', suppliers)
  assert.equal(r.code, 0, r.stderr)
})
after(() => fs.rmSync(dir, { recursive: true, force: true }))

test('wismo ingest 855.edi --ack-out writes the 997 and prints what was applied; a replay writes it again', async () => {
  const ack = path.join(dir, 'ack.997')
  const r = await wismo('ingest', fx('wismo/855-acme-po-w5001.edi'), '--ack-out', ack)
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /applied \(message \d+\): X12 from ACME \(ISA06 ACMEEDI\), interchange 000000101: 2 × 855; 7 signals/)
  assert.match(r.stdout, /PO PO-W5001 line 2 \(STOVE-1\): backordered, qty 3, expected ship 2026-12-10/)
  assert.match(r.stdout, /997 written to/)
  // No order is on file: every line matched nothing, and the outcome says so.
  assert.match(r.stdout, /855-acme-po-w5001\.edi: applied; 7 lines matched nothing \(a rep task lists them\)\n/)
  const feeds = await wismo('feeds')
  assert.match(feeds.stdout, /x12 supplier ACME +855-acme-po-w5001\.edi +applied; 7 lines matched nothing/)
  const tasks = await wismo('tasks', '--json')
  assert.match(tasks.stdout, /Supplier ACME: 7 feed lines matched no open PO line/)
  const body = fs.readFileSync(ack, 'utf8')
  assert.match(body, /^ISA\*.*\*ZZ\*ACMEEDI        \*261120\*0930\*/)
  assert.match(body, /AK9\*A\*2\*2\*2~/)

  const again = path.join(dir, 'again.997')
  const replay = await wismo('ingest', fx('wismo/855-acme-po-w5001.edi'), '--ack-out', again)
  assert.equal(replay.code, 0, replay.stderr)
  assert.match(replay.stdout, /duplicate of message/)
  assert.equal(fs.readFileSync(again, 'utf8'), body)
})

test('a broken file exits 1 with the reason on stderr, no stack trace, and its rejecting 997', async () => {
  const ack = path.join(dir, 'bad.997')
  const r = await wismo('ingest', fx('wismo/855-acme-bad-count.edi'), '--ack-out', ack)
  assert.equal(r.code, 1)
  assert.match(r.stderr, /quarantined \(message \d+\): segment #7 \(SE\): SE01 says 9, but transaction set 0001 has 5 segments/)
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:/)
  assert.match(fs.readFileSync(ack, 'utf8'), /AK5\*R\*4~\nAK9\*R\*1\*1\*0~/)

  const junk = await wismo('ingest', fx('olmelabs-EdiEngine/NonEdi.edi'), '--supplier', 'ACME', '--ack-out', path.join(dir, 'junk.997'))
  assert.equal(junk.code, 1)
  assert.match(junk.stderr, /NonEdi\.edi: quarantined \(message \d+\): not an X12 interchange: the file must start with "ISA"/)
  assert.match(junk.stderr, /no 997 written/)
  assert.doesNotMatch(junk.stderr, /\n\s+at /)
  assert.equal(fs.existsSync(path.join(dir, 'junk.997')), false)
})
