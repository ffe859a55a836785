/** One table from error code to HTTP status; anything not listed is a 400 (the caller's input). */
const STATUS: Record<string, number> = {
  ORDER_NOT_FOUND: 404,
  NOT_FOUND: 404,
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  RATE_LIMITED: 429,
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
  CHOICE_NOT_CONFIGURED: 503,
}

export function httpStatusFor(code: string): number {
  return STATUS[code] ?? 400
}

export const ErrorSchemaShape = {
  code: 'a stable code, AREA_REASON',
  message: 'what went wrong, for a person',
}
