import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildCatalog, catalogCsv } from '../../src/demo/catalog.ts'
import { Rng } from '../../src/demo/random.ts'

test('the demo catalog: boots and jackets have fitted sizes, bulb packs interchangeable ones, and the products CSV says so', () => {
  const catalog = buildCatalog(new Rng(7), new Date('2026-11-20T15:00:00Z'))
  const fitted = (name: string) => catalog.products.filter((p) => p.name.startsWith(name)).map((p) => p.sizeInterchangeable)
  assert.ok(fitted('Trailblazer Mid Hiking Boot').every((v) => v === false))
  assert.ok(fitted('Summit Rain Jacket').every((v) => v === false))
  const packs = fitted('LED A19 Bulb')
  assert.ok(packs.length > 0 && packs.every((v) => v === true))
  const [header, ...rows] = catalogCsv(catalog).products.trim().split('\n')
  assert.equal(header, 'sku,name,brand,family,color,size,price,size_interchangeable')
  assert.ok(rows.some((r) => r.includes('4-pack') && r.endsWith(',true')))
})
