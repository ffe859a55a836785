/**
 * Every GraphQL document wismo sends to Shopify's Admin API, in one place so that a test can
 * validate each against Shopify's published schema of the pinned version
 * (test/connect/shopify-documents.test.ts). Deprecated fields are not used.
 */

/** The Admin API version wismo is written and validated against (docs/shopify.md). */
export const SHOPIFY_API_VERSION = '2025-04'

const LINE_FIELDS = `
fragment WismoLine on LineItem {
  id
  sku
  name
  vendor
  quantity
  currentQuantity
  variant { id }
  originalUnitPriceSet { shopMoney { amount } }
  taxLines { priceSet { shopMoney { amount } } }
}`

const ORDER_FIELDS = `
fragment WismoOrder on Order {
  id
  name
  email
  phone
  createdAt
  updatedAt
  processedAt
  cancelledAt
  displayFinancialStatus
  customer { firstName lastName }
  shippingAddress { name zip countryCodeV2 phone }
  billingAddress { zip countryCodeV2 }
  totalShippingPriceSet { shopMoney { amount } }
  lineItems(first: 10) {
    pageInfo { hasNextPage endCursor }
    nodes { ...WismoLine }
  }
}
${LINE_FIELDS}`

export const DOCUMENTS = {
  /** A page of orders updated since a time, oldest change first (the backfill). */
  orders: `query WismoOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ...WismoOrder }
  }
}
${ORDER_FIELDS}`,

  /** The rest of an order's lines, past the first 10 the page carried. */
  orderLines: `query WismoOrderLines($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { ...WismoLine }
    }
  }
}
${LINE_FIELDS}`,

  /** What a call back needs of an order: its fulfillment orders and holds, fulfillments, refunds, wismo's link. */
  orderWork: `query WismoOrderWork($id: ID!) {
  order(id: $id) {
    id
    cancelledAt
    fulfillmentOrders(first: 5) {
      nodes {
        id
        status
        fulfillmentHolds { id handle reason }
        lineItems(first: 10) { nodes { id totalQuantity remainingQuantity lineItem { id } } }
      }
    }
    fulfillments(first: 10) { id trackingInfo(first: 5) { number } }
    refunds(first: 10) { id note }
    metafield(namespace: "wismo", key: "status_url") { value }
  }
}`,

  hold: `mutation WismoHold($id: ID!, $hold: FulfillmentOrderHoldInput!) {
  fulfillmentOrderHold(id: $id, fulfillmentHold: $hold) {
    fulfillmentHold { id handle }
    fulfillmentOrder { id }
    userErrors { field message code }
  }
}`,

  release: `mutation WismoRelease($id: ID!, $holdIds: [ID!]) {
  fulfillmentOrderReleaseHold(id: $id, holdIds: $holdIds) {
    fulfillmentOrder { id status }
    userErrors { field message code }
  }
}`,

  fulfill: `mutation WismoFulfill($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status }
    userErrors { field message }
  }
}`,

  /** The refund Shopify would make for some line items (the transactions to send with refundCreate). */
  suggestRefund: `query WismoSuggestRefund($id: ID!, $lines: [RefundLineItemInput!]) {
  order(id: $id) {
    suggestedRefund(refundLineItems: $lines) {
      amountSet { shopMoney { amount } }
      suggestedTransactions { gateway kind amountSet { shopMoney { amount } } parentTransaction { id } }
    }
  }
}`,

  refund: `mutation WismoRefund($input: RefundInput!) {
  refundCreate(input: $input) {
    refund { id }
    userErrors { field message }
  }
}`,

  cancelOrder: `mutation WismoCancelOrder($orderId: ID!, $refund: Boolean!, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: INVENTORY, refund: $refund, restock: false, notifyCustomer: false, staffNote: $staffNote) {
    job { id }
    orderCancelUserErrors { field message code }
  }
}`,

  /** The app's webhook subscriptions to wismo's URL (so connecting twice subscribes once). */
  webhooks: `query WismoWebhooks($url: URL!) {
  webhookSubscriptions(first: 50, callbackUrl: $url) {
    nodes { id topic }
  }
}`,

  subscribe: `mutation WismoSubscribe($topic: WebhookSubscriptionTopic!, $url: URL!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { callbackUrl: $url, format: JSON }) {
    webhookSubscription { id topic }
    userErrors { field message }
  }
}`,

  link: `mutation WismoLink($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id }
    userErrors { field message code }
  }
}`,
} as const

export type DocumentName = keyof typeof DOCUMENTS
