/** Every error a caller can see: its HTTP status and a safe default message. */
export const ERRORS = {
  VALIDATION: { status: 400, message: "Some fields are not valid." },
  MALFORMED_JSON: { status: 400, message: "The request body is not valid JSON." },
  MALFORMED_PATH: { status: 400, message: "The address has a broken percent-escape (a % not followed by a valid UTF-8 code, such as %ff or a lone %)." },
  EMPTY_CART: { status: 400, message: "Select at least one item in your cart first." },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, message: "Send an Idempotency-Key header (8-64 characters)." },
  CHALLENGE_FAILED: { status: 400, message: "The check did not pass. Reload the page and try again." },
  UNAUTHENTICATED: { status: 401, message: "Please log in." },
  INVALID_CREDENTIALS: { status: 401, message: "Wrong username or password." },
  FORBIDDEN: { status: 403, message: "You do not have access to this." },
  ACCOUNT_REQUIRED: { status: 403, message: "An item in your cart has a limit per customer, so buying it needs an account. Log in or create one." },
  CLAIM_EMAIL_MISMATCH: { status: 403, message: "This order was placed with another e-mail address than your account's." },
  QUEUE_PASS_INVALID: { status: 403, message: "This waiting-room pass is not valid for your account and this item." },
  NOT_FOUND: { status: 404, message: "Not found." },
  SKU_NOT_FOUND: { status: 404, message: "That product is not available." },
  ADDRESS_NOT_FOUND: { status: 404, message: "That address was not found." },
  ORDER_NOT_FOUND: { status: 404, message: "That order was not found." },
  LOCATION_NOT_FOUND: { status: 404, message: "That stock location was not found." },
  PRODUCT_NOT_FOUND: { status: 404, message: "That product was not found." },
  IMAGE_NOT_FOUND: { status: 404, message: "That image was not found." },
  EMAIL_NOT_FOUND: { status: 404, message: "That e-mail was not found." },
  STOCK_ALERT_NOT_FOUND: { status: 404, message: "That unsubscribe link is not valid." },
  QUEUE_NOT_FOUND: { status: 404, message: "This item has no waiting room." },
  USERNAME_TAKEN: { status: 409, message: "That username is taken." },
  OUT_OF_STOCK: { status: 409, message: "Some items are no longer available in the quantity you asked for." },
  PURCHASE_LIMIT_REACHED: { status: 409, message: "That would take you past the limit per customer for an item." },
  SALE_NOT_STARTED: { status: 409, message: "An item in your order is not on sale yet." },
  CART_ALREADY_ORDERED: { status: 409, message: "This cart was already ordered, from another tab or device. Here is that order." },
  ORDER_CLAIM_CONFLICT: { status: 409, message: "This order could not be added to your account." },
  CART_CHANGED: { status: 409, message: "Your cart changed after this page was loaded. Check the items and place the order again." },
  SKU_NAME_TAKEN: { status: 409, message: "Another variant of this product already has that name." },
  SKU_CODE_TAKEN: { status: 409, message: "Another variant already has that SKU code." },
  PRODUCT_NAME_TAKEN: { status: 409, message: "Another product already has that name." },
  STOCK_WOULD_GO_NEGATIVE: { status: 409, message: "That correction would take stock below zero." },
  LOCATION_NAME_TAKEN: { status: 409, message: "Another location already has that name." },
  LAST_ACTIVE_LOCATION: { status: 409, message: "The last active location cannot be deactivated: nothing could be sold." },
  INVALID_TRANSITION: { status: 409, message: "The order cannot make that move from its current status." },
  ORDER_NOT_PAYABLE: { status: 409, message: "This order can no longer be paid." },
  NOT_SOLD_OUT: { status: 409, message: "This item is in stock: you can buy it now." },
  ALREADY_QUEUED: { status: 409, message: "You are already in line for this drop." },
  QUEUE_PASS_USED: { status: 409, message: "This waiting-room pass was already used for an order." },
  SOLD_OUT: { status: 410, message: "This drop has sold out." },
  PAYLOAD_TOO_LARGE: { status: 413, message: "The request body is too large." },
  UNSUPPORTED_IMAGE: { status: 415, message: "That file is not an image we take: upload a JPEG, PNG, WebP or AVIF picture." },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: "This idempotency key was already used for a different request." },
  IMAGE_TOO_LARGE: { status: 422, message: "That picture has more than 40 megapixels: upload a smaller one." },
  ORDER_TOO_LARGE: { status: 422, message: "This order comes to more than one order can hold. Please split it into smaller orders." },
  TOO_MANY_ATTEMPTS: { status: 429, message: "Too many attempts. Please wait and try again." },
  QUEUE_REQUIRED: { status: 429, message: "This item sells through a waiting room: join the line on its page; you can check out once you are let in." },
  INTERNAL: { status: 500, message: "Something went wrong on our side." },
  BUSY: { status: 503, message: "The shop is very busy right now. Please try again in a moment." },
  CART_UNAVAILABLE: { status: 503, message: "The cart is temporarily unavailable. Please try again shortly." },
  DB_UNAVAILABLE: { status: 503, message: "The shop is temporarily unavailable. Please try again shortly." },
  SHUTTING_DOWN: { status: 503, message: "The shop is restarting. Please try again in a moment." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

// Next bundles lib/ once per layer (route handlers, server actions, pages), so one process can hold
// several copies of this class, and errors do cross between them: the batched checkout's combiner
// is one per process and answers every caller, whichever copy queued it. The brand, registered
// process-wide, makes `instanceof` and isAppError hold for an AppError from any copy.
const BRAND = Symbol.for("stockroom.AppError");

export type AppErrorOptions = {
  /** Replaces the code's default message: specific and safe to show. */
  message?: string;
  /** Extra fields for the API body, e.g. `lines` for OUT_OF_STOCK or `fieldErrors` for VALIDATION. */
  details?: Record<string, unknown>;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
};

export class AppError extends Error {
  readonly [BRAND] = true;
  static [Symbol.hasInstance](value: unknown): value is AppError {
    return typeof value === "object" && value !== null && BRAND in value;
  }

  readonly status: number;
  readonly details?: Record<string, unknown>;
  readonly retryAfter?: number;
  constructor(
    readonly code: ErrorCode,
    { message, details, retryAfter }: AppErrorOptions = {},
  ) {
    super(message ?? ERRORS[code].message);
    this.status = ERRORS[code].status;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** The errors of a cause chain (drizzle wraps the driver's error in `cause`). */
function causeChain(e: unknown): Record<string, unknown>[] {
  const chain: Record<string, unknown>[] = [];
  for (let cur = e, depth = 0; cur && typeof cur === "object" && depth < 5; depth++) {
    chain.push(cur as Record<string, unknown>);
    cur = (cur as { cause?: unknown }).cause;
  }
  return chain;
}

/** The MySQL/MariaDB error number anywhere in a cause chain. */
export function sqlErrno(e: unknown): number | undefined {
  const errno = causeChain(e).find((c) => typeof c.errno === "number")?.errno;
  return errno as number | undefined;
}

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "PROTOCOL_CONNECTION_LOST", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);

/**
 * The database could not be reached or the connection died: a socket error code, or an error
 * mysql2 marks `fatal` (the connection is unusable, e.g. "Can't add new command when connection
 * is in closed state" when COMMIT's connection was cut, which has no code), or the pool closed
 * during shutdown ("Pool is closed.", no code either), or a Galera node that has left the
 * cluster's primary component and refuses every statement until it rejoins.
 */
export const isConnectionError = (e: unknown) =>
  sqlErrno(e) === ER_WSREP_NOT_READY ||
  causeChain(e).some(
    (c) => (typeof c.code === "string" && CONNECTION_CODES.has(c.code)) || c.fatal === true || (c instanceof Error && c.message === "Pool is closed."),
  );

// The MySQL/MariaDB error numbers the code acts on; nothing else names one.
export const ER_DUP_ENTRY = 1062;
export const ER_LOCK_DEADLOCK = 1213;
export const ER_LOCK_WAIT_TIMEOUT = 1205;
/** A value out of a column's range, e.g. an unsigned stock taken below zero. */
export const ER_WARN_DATA_OUT_OF_RANGE = 1264;
const ER_DATA_OUT_OF_RANGE = 1690;
/** Galera: "WSREP has not yet prepared node for application use" (ER_UNKNOWN_COM_ERROR). */
const ER_WSREP_NOT_READY = 1047;
/** MariaDB's and MySQL's CHECK constraint violations. */
const ER_CONSTRAINT_FAILED = 4025;
const ER_CHECK_CONSTRAINT_VIOLATED = 3819;

const RETRYABLE = new Set([ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT]);
/** Deadlock or lock-wait timeout: the transaction was rolled back and may simply be run again. */
export const isRetryable = (e: unknown) => RETRYABLE.has(sqlErrno(e) ?? 0);

const STOCK_REFUSALS = new Set([ER_DATA_OUT_OF_RANGE, ER_CONSTRAINT_FAILED, ER_CHECK_CONSTRAINT_VIOLATED]);
/** The database's own refusal of a stock change (unsigned range or CHECK), should a guard ever be wrong. */
export const isStockRefusal = (e: unknown) => STOCK_REFUSALS.has(sqlErrno(e) ?? 0);

export const isDuplicateKey = (e: unknown) => sqlErrno(e) === ER_DUP_ENTRY;

/** "Cannot add or update a child row": a foreign key found no parent row. */
const ER_NO_REFERENCED_ROW_2 = 1452;
/** A row's foreign key to `orders` found no order: the order it was written beside is gone. */
export const isMissingOrder = (e: unknown) =>
  sqlErrno(e) === ER_NO_REFERENCED_ROW_2 && causeChain(e).some((c) => typeof c.sqlMessage === "string" && c.sqlMessage.includes("REFERENCES `orders` (`id`)"));

/**
 * The unique index a duplicate-key error names ("… for key 'skus_code_idx'"; MySQL 8 writes
 * 'skus.skus_code_idx'), so one write can tell which of its unique values was taken.
 */
export function duplicateKeyName(e: unknown): string | undefined {
  if (!isDuplicateKey(e)) return undefined;
  for (const c of causeChain(e)) {
    const text = typeof c.sqlMessage === "string" ? c.sqlMessage : typeof c.message === "string" ? c.message : "";
    const m = /for key '(?:[^'.]+\.)?([^']+)'/.exec(text);
    if (m) return m[1];
  }
  return undefined;
}
