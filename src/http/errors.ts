import { randomUUID } from 'node:crypto'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { DomainError } from '../domain/errors.ts'

/**
 * One table from every error code wismo uses to its HTTP status. A 4xx is the caller's mistake and
 * its message is shown; a 5xx is wismo's own failure (or its database's, or a service it depends
 * on): the caller gets `INTERNAL` with an error id, the log gets the cause under the same id.
 * A code missing here is a 500: an unexpected refusal is wismo's bug until someone decides
 * otherwise. test/http/errors.test.ts fails when a code used in src/ is missing.
 */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  // the request itself
  REQUEST_INVALID: 400,
  REQUEST_NUL: 400,
  REQUEST_TOO_LARGE: 413,
  CARRIER_JSON_INVALID: 400,
  CARRIER_EVENT_INVALID: 400,
  CARRIER_WEBHOOK_INVALID: 400,
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  WEBHOOK_SIGNATURE_INVALID: 401,
  WEBHOOK_NOT_CONFIGURED: 401,
  NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  PRODUCT_NOT_FOUND: 404,
  SUPPLIER_UNKNOWN: 404,
  DEMO_NOT_EMPTY: 409,
  // a delivered file that cannot be used as it is
  FEED_CSV_INVALID: 422,
  FEED_X12_INVALID: 422,
  FEED_X12_UNSUPPORTED: 422,
  FEED_X12_SENDER: 422,
  FEED_SUPPLIER_UNKNOWN: 422,
  IMPORT_INVALID: 422,
  IMPORT_FILE: 422,
  // console users (wismo user add)
  USER_EMAIL_INVALID: 400,
  USER_PASSWORD_SHORT: 400,
  USER_PASSWORD_MISMATCH: 400,
  USER_ABORTED: 400,
  USER_NOT_FOUND: 404,
  DELIVERY_LINE_NOT_FOUND: 404,
  REFUND_LINE_NOT_FOUND: 404,
  DELIVERY_PARCEL_NOT_IN_TROUBLE: 409,
  DELIVERY_ALREADY_SETTLED: 409,
  DELIVERY_CLAIM_EXISTS: 409,
  DELIVERY_SUPPLIER_NOT_OFFERING: 409,
  DELIVERY_SUPPLIER_REQUIRED: 400,
  DELIVERY_AMOUNT_INVALID: 400,
  DELIVERY_CARRIER_REQUIRED: 400,
  // too many
  RATE_LIMITED: 429,
  LOOKUP_LOCKED: 429,
  LOOKUP_THROTTLED: 429,
  // wismo's own faults: data it holds that breaks a rule, its configuration, its disk
  INTERNAL: 500,
  CONFIG_INVALID: 500,
  CALENDAR_DATE_INVALID: 500,
  CALENDAR_DAYS_INVALID: 500,
  LINE_QTY_INVALID: 500,
  ORDER_NO_LINES: 500,
  DB_OPEN_FAILED: 500,
  MAIL_OUTBOX_WRITE_FAILED: 500,
  // services wismo depends on
  MAIL_SMTP_FAILED: 502,
  CARRIER_API_REFUSED: 502,
  CARRIER_API_UNAVAILABLE: 502,
  CARRIER_API_RESPONSE_INVALID: 502,
  DB_LOCKED: 503,
  CHOICE_ORDER_NOT_FOUND: 404,
  CHOICE_LINE_NOT_FOUND: 404,
  CHOICE_TOKEN_INVALID: 403,
  CHOICE_TOKEN_EXPIRED: 410,
  CHOICE_TOKEN_USED: 409,
  CHOICE_LINE_NOT_ELIGIBLE: 409,
  CHOICE_SKU_NOT_OFFERED: 409,
  CHOICE_OUT_OF_STOCK: 409,
  CHOICE_PRICE_CONFIRMATION_REQUIRED: 409,
  CHOICE_ALREADY_RECORDED: 409,
  CHOICE_WAIT_UNAVAILABLE: 409,
  CHOICE_NOT_CONFIGURED: 503,
  CHOICE_INVALID: 400,
  CHOICE_SKU_REQUIRED: 400,
  CHOICE_SKU_UNEXPECTED: 400,
  CHOICE_DECIDED_BY_INVALID: 400,
  // API keys and equivalents (CLI input)
  API_KEY_NAME_INVALID: 400,
  API_KEY_SCOPE_INVALID: 400,
  EQUIVALENT_SAME: 400,
  EQUIVALENT_UNKNOWN_SKU: 404,
  // a file that changed while it was being stored
  INBOUND_FILE_CHANGED: 422,
  // store platforms (wismo connect/sync, their webhooks)
  SYNC_SINCE_INVALID: 400,
  CONNECT_SHOP_INVALID: 400,
  CONNECT_NOT_FOUND: 404,
  CONNECT_AMBIGUOUS: 400,
  CONNECT_INACTIVE: 409,
  CONNECT_CREDENTIALS_UNREADABLE: 500,
  PLATFORM_ORDER_NUMBER_TAKEN: 409,
  PLATFORM_ORDER_INVALID: 422,
  PLATFORM_BODY_INVALID: 422,
  PLATFORM_REVOKED: 502,
  PLATFORM_CALL_FAILED: 502,
  WEBHOOK_TOPIC_MISSING: 400,
  // supplier transports, profiles and spreadsheets
  TRANSPORT_NO_PASSWORD: 400,
  TRANSPORT_KEY_UNREADABLE: 400,
  TRANSPORT_KEY_INVALID: 400,
  TRANSPORT_PASSWORD_EMPTY: 400,
  TRANSPORT_NO_CREDENTIALS: 400,
  TRANSPORT_SETTINGS_INVALID: 400,
  TRANSPORT_URL_INVALID: 400,
  TRANSPORT_SUPPLIER_UNKNOWN: 404,
  TRANSPORT_UNKNOWN: 404,
  EMAIL_HELD: 422,
  PROFILE_INVALID: 400,
  FEED_XLSX_INVALID: 422,
  // wismo's own faults
  CALENDAR_ZONE_INVALID: 500,
  INBOUND_KIND_UNKNOWN: 500,
  INBOUND_SOURCE_UNKNOWN: 500,
  SECRET_KEPT_INVALID: 500,
  REFUND_AMOUNT_INVALID: 500,
  REFUND_DUE_INVALID: 500,
  REFUND_QTY_INVALID: 500,
}

/** The HTTP status for an error code; an unknown code is a server fault (500). */
export function httpStatusFor(code: string): number {
  return ERROR_STATUS[code] ?? 500
}

export const ErrorSchemaShape = {
  code: 'a stable code, AREA_REASON',
  message: 'what went wrong, for a person',
}

/** The body of every server fault: nothing of the cause, only the id that finds it in the log. */
export function internalErrorBody(errorId: string) {
  return { error: { code: 'INTERNAL', message: 'internal error', errorId } }
}

/** Logs a server fault with its cause under a new error id and answers it without details. */
export function sendServerFault(req: FastifyRequest, reply: FastifyReply, err: unknown, status = 500) {
  const errorId = randomUUID()
  const cause = err instanceof Error ? err.cause : undefined
  // The path without its query: a lookup's query is the customer's email or postal code.
  req.log.error({ errorId, err, cause, method: req.method, path: req.url.split('?')[0] }, `internal error ${errorId}`)
  return reply.code(status).send(internalErrorBody(errorId))
}

function handleError(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const problems = err.validation.map((v) => `${err.validationContext ?? 'request'}${v.instancePath.replace(/\//g, '.')}: ${v.message}`)
    return reply.code(400).send({ error: { code: 'REQUEST_INVALID', message: problems.join('; '), problems } })
  }
  if (err instanceof DomainError) {
    const status = httpStatusFor(err.code)
    if (status >= 500) return sendServerFault(req, reply, err, status)
    return reply.code(status).send({ error: { code: err.code, message: err.message, problems: err.details } })
  }
  // Fastify's own refusals (bad JSON, body too large, unsupported media type) and the rate limiter.
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    // Fastify's FST_ERR_… codes are not part of wismo's catalog; they keep their status, and a
    // body over its limit is named as such.
    const code = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'REQUEST_TOO_LARGE' : typeof err.code === 'string' && err.code in ERROR_STATUS ? err.code : 'REQUEST_INVALID'
    return reply.code(err.statusCode).send({ error: { code, message: err.message } })
  }
  return sendServerFault(req, reply, err)
}

/** Installs the one error handler: the table above decides the status, server faults get an id. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(handleError)
}
