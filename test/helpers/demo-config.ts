import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig, type Config } from '../../src/config.ts'

/**
 * The configuration a test loads the demo with: `npm start`'s defaults, but the messages the
 * demo's days send land as .eml files in a folder of the test's own (removed when it exits).
 */
export function demoTestConfig(): Config {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-demo-test-'))
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  return loadConfig({ WISMO_DATA_DIR: dir })
}
