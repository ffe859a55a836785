/**
 * Query cost and the leaky bucket, after Shopify's documented method
 * (https://shopify.dev/docs/api/usage/rate-limits#graphql-admin-api-rate-limits): scalars and
 * enums cost 0, an object 1, a connection 2 + first × the cost of one node, a mutation 10 plus
 * what its payload selects. Plain lists of objects (Order.fulfillments(first)) count `first`
 * items, or one when unbounded. An approximation: Shopify's own numbers differ in detail, but a
 * client that reads `extensions.cost` and waits for the bucket behaves the same against both.
 * Shopify refuses a single query over the bucket size (MAX_COST_EXCEEDED). Bucket defaults
 * (1000, 50/s) are the long-documented standard plan; newer docs give Standard 100 points/s.
 */
import {
  Kind, getNamedType, isCompositeType, isListType, isNonNullType, isObjectType, isInterfaceType, valueFromASTUntyped,
  type FieldNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLField, type GraphQLSchema,
  type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql'

interface Ctx {
  schema: GraphQLSchema
  fragments: Record<string, FragmentDefinitionNode>
  variables: Record<string, unknown>
}

/** What a value was not given for: cost as requested (from `first`), not as answered. */
const REQUESTED = Symbol('requested')
type Data = unknown

/**
 * The cost Shopify would ask for this operation before running it or, given the answer's
 * `data`, what it actually used (connections count the nodes returned, null objects nothing).
 */
export function queryCost(
  schema: GraphQLSchema, op: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>, data: Data = REQUESTED,
): number {
  const ctx: Ctx = { schema, fragments, variables }
  const root = op.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType()
  if (!root) return 0
  let total = 0
  for (const field of fieldsOf(ctx, op.selectionSet, root)) {
    const def = root.getFields()[field.node.name.value]
    if (!def) continue
    const value = data === REQUESTED ? REQUESTED : (data as Record<string, unknown> | null)?.[keyOf(field.node)]
    total += (op.operation === 'mutation' ? 10 : 0) + fieldCost(ctx, field.node, def, value, op.operation === 'mutation')
  }
  return total
}

function keyOf(node: FieldNode): string {
  return node.alias?.value ?? node.name.value
}

function child(value: Data, key: string): Data {
  if (value === REQUESTED) return REQUESTED
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
}

function fieldCost(ctx: Ctx, node: FieldNode, def: GraphQLField<unknown, unknown>, value: Data, payload = false): number {
  const named = getNamedType(def.type)
  if (!isCompositeType(named) || !node.selectionSet) return 0
  if (value === null || value === undefined) return 0
  const args = argsOf(ctx, node)
  if (named.name.endsWith('Connection') && def.args.some((a) => a.name === 'first')) {
    return 2 + connectionNodesCost(ctx, node.selectionSet, named, value, Number(args.first ?? args.last ?? 0))
  }
  // A mutation's payload object is part of the flat 10.
  const self = payload ? 0 : 1
  let type = def.type
  if (isNonNullType(type)) type = type.ofType
  if (isListType(type)) {
    if (value !== REQUESTED) {
      return Array.isArray(value) ? value.reduce((sum: number, item) => sum + (item == null ? 0 : self + selectionCost(ctx, node.selectionSet!, named, item)), 0) : 0
    }
    return Number(args.first ?? 1) * (self + selectionCost(ctx, node.selectionSet, named, REQUESTED))
  }
  return self + selectionCost(ctx, node.selectionSet, named, value)
}

/** The nodes of a connection: what `nodes` and `edges { node }` select (pageInfo is free). */
function connectionNodesCost(ctx: Ctx, set: SelectionSetNode, conn: GraphQLCompositeType, value: Data, first: number): number {
  let cost = 0
  for (const f of fieldsOf(ctx, set, conn)) {
    const name = f.node.name.value
    const def = fieldDef(f.type, name)
    if (!def || !f.node.selectionSet || (name !== 'nodes' && name !== 'edges')) continue
    const items = value === REQUESTED ? Array.from({ length: first }, () => REQUESTED) : child(value, keyOf(f.node))
    if (!Array.isArray(items)) continue
    const itemType = getNamedType(def.type) as GraphQLCompositeType
    for (const item of items) {
      if (name === 'nodes') cost += 1 + selectionCost(ctx, f.node.selectionSet, itemType, item)
      else {
        for (const e of fieldsOf(ctx, f.node.selectionSet, itemType)) {
          const nodeDef = fieldDef(e.type, e.node.name.value)
          if (e.node.name.value !== 'node' || !nodeDef || !e.node.selectionSet) continue
          cost += 1 + selectionCost(ctx, e.node.selectionSet, getNamedType(nodeDef.type) as GraphQLCompositeType, child(item, keyOf(e.node)))
        }
      }
    }
  }
  return cost
}

function selectionCost(ctx: Ctx, set: SelectionSetNode, type: GraphQLCompositeType, value: Data): number {
  let cost = 0
  for (const f of fieldsOf(ctx, set, type)) {
    const def = fieldDef(f.type, f.node.name.value)
    if (def) cost += fieldCost(ctx, f.node, def, child(value, keyOf(f.node)))
  }
  return cost
}

function fieldDef(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined
}

/** The fields a selection set asks for, through inline fragments and fragment spreads. */
function fieldsOf(ctx: Ctx, set: SelectionSetNode, type: GraphQLCompositeType): { node: FieldNode; type: GraphQLCompositeType }[] {
  const out: { node: FieldNode; type: GraphQLCompositeType }[] = []
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) out.push({ node: sel, type })
    else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const t = sel.typeCondition ? (ctx.schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType) : type
      out.push(...fieldsOf(ctx, sel.selectionSet, t ?? type))
    } else {
      const frag = ctx.fragments[sel.name.value]
      if (!frag) continue
      const t = ctx.schema.getType(frag.typeCondition.name.value) as GraphQLCompositeType
      out.push(...fieldsOf(ctx, frag.selectionSet, t ?? type))
    }
  }
  return out
}

function argsOf(ctx: Ctx, node: FieldNode): Record<string, unknown> {
  const args: Record<string, unknown> = {}
  for (const a of node.arguments ?? []) args[a.name.value] = valueFromASTUntyped(a.value, ctx.variables)
  return args
}

export interface ThrottleStatus {
  maximumAvailable: number
  currentlyAvailable: number
  restoreRate: number
}

/** Shopify's leaky bucket: `restoreRate` points a second flow back, up to `maximumAvailable`. */
export class CostBucket {
  #available: number
  #at: number
  constructor(readonly maximumAvailable: number, readonly restoreRate: number, private readonly now: () => number) {
    this.#available = maximumAvailable
    this.#at = now()
  }

  status(): ThrottleStatus {
    this.#refill()
    return { maximumAvailable: this.maximumAvailable, currentlyAvailable: Math.floor(this.#available), restoreRate: this.restoreRate }
  }

  /** False (and nothing taken) when `cost` is more than is available now. */
  tryTake(cost: number): boolean {
    this.#refill()
    if (cost > this.#available) return false
    this.#available -= cost
    return true
  }

  /** Gives back what a query asked for but did not use (requested − actual). */
  refund(points: number): void {
    this.#available = Math.min(this.maximumAvailable, this.#available + points)
  }

  /** Empties the bucket (tests that want the next call throttled by the bucket itself). */
  drain(): void {
    this.#refill()
    this.#available = 0
  }

  #refill(): void {
    const t = this.now()
    const elapsed = Math.max(0, t - this.#at) / 1000
    this.#at = t
    this.#available = Math.min(this.maximumAvailable, this.#available + elapsed * this.restoreRate)
  }
}
