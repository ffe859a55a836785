/**
 * Shopify's Admin GraphQL schema, 2025-04 (test/fixtures/shopify/SOURCE.md), built once per
 * process: buildSchema takes ~0.5 s on the 2.9 MB SDL, too slow to repeat per test.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  buildSchema, getOperationAST, parse, validate, GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema,
} from 'graphql'
import { queryCost } from './cost.ts'

export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/shopify/admin-2025-04.graphql')

let schema: GraphQLSchema | null = null

/** The 2025-04 Admin schema (memoized). */
export function shopifySchema(): GraphQLSchema {
  schema ??= buildSchema(fs.readFileSync(SCHEMA_FILE, 'utf8'))
  return schema
}

/** A parsed document, or the errors Shopify would answer instead of executing it. */
export type Checked = { ok: true; document: DocumentNode } | { ok: false; errors: readonly GraphQLError[] }

export function checkDocument(text: string): Checked {
  let document: DocumentNode
  try {
    document = parse(text)
  } catch (err) {
    if (err instanceof GraphQLError) return { ok: false, errors: [err] }
    throw err
  }
  const errors = validate(shopifySchema(), document)
  return errors.length > 0 ? { ok: false, errors } : { ok: true, document }
}

/**
 * The reasons Shopify's 2025-04 Admin API would refuse this document (syntax or validation);
 * [] when it is valid. For tests that check a connector's queries without a server.
 */
export function validateShopifyDocument(doc: string): string[] {
  const checked = checkDocument(doc)
  return checked.ok ? [] : checked.errors.map((e) => e.message)
}

/**
 * The requestedQueryCost the fake would charge for a valid document (Shopify refuses over 1000
 * with MAX_COST_EXCEEDED): lets a test assert each of the connector's documents fits.
 */
export function shopifyQueryCost(doc: string, variables: Record<string, unknown> = {}, operationName?: string): number {
  const checked = checkDocument(doc)
  if (!checked.ok) throw new Error(`invalid document: ${checked.errors.map((e) => e.message).join('; ')}`)
  const op = getOperationAST(checked.document, operationName)
  if (!op) throw new Error('no operation (several in the document and no operationName?)')
  return queryCost(shopifySchema(), op, fragmentsOf(checked.document), variables)
}

export function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  return Object.fromEntries(document.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]))
}
