/**
 * Every GraphQL document wismo sends to Shopify, validated against Shopify's published Admin
 * schema of the pinned version (test/fixtures/shopify/admin-2025-04.graphql, SOURCE.md), and
 * costed by Shopify's documented method: none may exceed the 1000 points a single query may ask.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DOCUMENTS, SHOPIFY_API_VERSION } from '../../src/connect/shopify/documents.ts'
import fs from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { buildClientSchema, NoDeprecatedCustomRule, parse, validate, type GraphQLSchema, type IntrospectionQuery } from 'graphql'
import { shopifyQueryCost, validateShopifyDocument } from '../support/fake-shopify.ts'
import { shopifySchema } from '../support/fake-shopify/schema.ts'

let official: GraphQLSchema | null = null
/** Shopify's own published introspection of 2025-01 (Shopify/dev-mcp). */
function officialSchema(): GraphQLSchema {
  if (!official) {
    const json = JSON.parse(gunzipSync(fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/shopify/admin_schema_2025-01.json.gz'))).toString('utf8'))
    official = buildClientSchema((json.data ?? json) as IntrospectionQuery)
  }
  return official
}

const deprecatedUses = (doc: string) => validate(shopifySchema(), parse(doc), [NoDeprecatedCustomRule]).map((e) => e.message)

test('the pinned version is the schema the documents are validated against', () => {
  assert.equal(SHOPIFY_API_VERSION, '2025-04')
})

for (const [name, doc] of Object.entries(DOCUMENTS)) {
  test(`${name}: valid against the Admin API ${SHOPIFY_API_VERSION} schema, no deprecated field, within the cost limit`, () => {
    assert.deepEqual(validateShopifyDocument(doc), [])
    assert.deepEqual(deprecatedUses(doc), [])
    assert.deepEqual(validate(officialSchema(), parse(doc)).map((e) => e.message), [], "Shopify's own 2025-01 schema")
    // The largest page the client asks for (50 orders would not fit: the client sizes pages by cost).
    const cost = shopifyQueryCost(doc, { first: name === 'orders' ? 11 : 1, id: 'gid://shopify/Order/1' })
    assert.ok(cost <= 1000, `${name} costs ${cost} points`)
  })
}

test('a document using a deprecated or unknown field is refused by the same check (the check can fail)', () => {
  assert.notDeepEqual(validateShopifyDocument('query { order(id: "gid://shopify/Order/1") { id nosuchfield } }'), [])
  assert.notDeepEqual(deprecatedUses('query { customer(id: "gid://shopify/Customer/1") { email } }'), [])
})
