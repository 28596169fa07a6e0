import { sql } from "drizzle-orm";
import {
  bigint,
  customType,
  boolean,
  check,
  datetime,
  decimal,
  index,
  int,
  mysqlEnum,
  mysqlTable,
  primaryKey,
  text,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";

const id = (name: string) => bigint(name, { mode: "number", unsigned: true });
// Not `serial`: drizzle-kit writes `serial AUTO_INCREMENT`, which MariaDB rejects.
const longblob = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "longblob" });
const createdAt = () => datetime("created_at", { mode: "date", fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`);

/**
 * `guest`: the shadow owner of one guest cart's orders (lib/orders/guests.ts), never signed in:
 * it gives a guest's orders a NOT NULL owner, so the unique indexes on (user, key) and (user,
 * cart revision) hold for guests exactly as for shoppers.
 */
export const ROLES = ["shopper", "admin", "guest"] as const;
export const PAY_METHODS = ["cod", "online"] as const;
export const ORDER_STATUSES = ["unpaid", "awaiting_shipment", "paid", "shipped", "completed", "cancelled"] as const;
/** How a checkout takes stock (lib/orders/stock.ts); CHECKOUT_STRATEGY picks one. */
/** A product's place in its life: a draft and an archived product are invisible to shoppers. */
export const PRODUCT_STATUSES = ["draft", "active", "archived"] as const;
export const IMAGE_FORMATS = ["webp", "avif"] as const;
export const AUDIT_ENTITIES = ["product", "sku", "image"] as const;
export const CHECKOUT_STRATEGIES = ["conditional", "optimistic", "pessimistic", "batched"] as const;
/** Who moved an order (order_events): its shopper, an admin, or the shop itself (the expiry sweep). */
export const ACTOR_KINDS = ["shopper", "admin", "system"] as const;

/** Name column lengths (characters), for the validation that must keep values inside them. */
export const NAME_LENGTH = { product: 128, sku: 128, orderLine: 255, location: 64 } as const;

export const users = mysqlTable("users", {
  id: id("id").autoincrement().primaryKey(),
  username: varchar("username", { length: 32 }).notNull().unique(),
  passwordHash: varchar("password_hash", { length: 255 }).notNull(),
  role: mysqlEnum("role", ROLES).notNull().default("shopper"),
  /**
   * Bumped by every checkout that buys a SKU with a per-customer limit (lib/drops/purchase-limits.ts):
   * the write serialises one customer's limited checkouts, across processes and Galera nodes.
   */
  limitSeq: bigint("limit_seq", { mode: "number", unsigned: true }).notNull().default(0),
  /** Optional at registration; guest orders placed with it can be claimed into this account (lib/orders/claim.ts). */
  email: varchar("email", { length: 254 }),
  /** A guest owner's cart id (the guest cookie); null for every other role. */
  guestId: varchar("guest_id", { length: 22 }),
  createdAt: createdAt(),
}, (t) => [uniqueIndex("users_guest_id_idx").on(t.guestId), index("users_email_idx").on(t.email)]);

export const sessions = mysqlTable(
  "sessions",
  {
    // HMAC of the cookie token: a leaked table cannot be replayed as cookies.
    id: varchar("id", { length: 64 }).primaryKey(),
    userId: id("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    expiresAt: datetime("expires_at", { mode: "date" }).notNull(),
    createdAt: createdAt(),
  },
  // The sweep purges expired sessions by this index, not by reading the whole table.
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

export const addresses = mysqlTable(
  "addresses",
  {
    id: id("id").autoincrement().primaryKey(),
    userId: id("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: varchar("name", { length: 64 }).notNull(),
    email: varchar("email", { length: 254 }).notNull(),
    phone: varchar("phone", { length: 32 }).notNull(),
    line1: varchar("line1", { length: 255 }).notNull(),
    line2: varchar("line2", { length: 255 }).notNull(),
    city: varchar("city", { length: 128 }).notNull(),
    /** State, province or county; empty where the country has none worth writing. */
    region: varchar("region", { length: 128 }).notNull(),
    /** Empty only for a country without postcodes (lib/orders/countries.ts). */
    postcode: varchar("postcode", { length: 16 }).notNull(),
    /** ISO 3166-1 alpha-2. */
    country: varchar("country", { length: 2 }).notNull(),
    /** At most one per user: every change of it is one UPDATE over the user's rows (lib/orders/addresses.ts). */
    isDefault: boolean("is_default").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("addresses_user_idx").on(t.userId)],
);

/** A product (SPU); its sales are derived from its SKUs, so there is no counter to lose updates on. */
export const spus = mysqlTable("spus", {
  id: id("id").autoincrement().primaryKey(),
  name: varchar("name", { length: NAME_LENGTH.product }).notNull().unique(),
  description: text("description").notNull(),
  category: varchar("category", { length: 64 }).notNull(),
  /** Hue (0-359) of the drawn product art, shown while the product has no image. */
  hue: int("hue", { unsigned: true }).notNull().default(210),
  /** Products made in the console start as drafts; the seed's are active. */
  status: mysqlEnum("status", PRODUCT_STATUSES).notNull().default("active"),
  createdAt: createdAt(),
  updatedAt: datetime("updated_at", { mode: "date", fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
}, (t) => [index("spus_status_idx").on(t.status, t.id)]);

/** A sellable variant (SKU). The database refuses negative stock whatever the code does. */
export const skus = mysqlTable(
  "skus",
  {
    id: id("id").autoincrement().primaryKey(),
    spuId: id("spu_id").notNull().references(() => spus.id),
    name: varchar("name", { length: NAME_LENGTH.sku }).notNull(),
    price: decimal("price", { precision: 10, scale: 2 }).notNull(),
    /** The "was" price shown struck through; null = none. */
    compareAtPrice: decimal("compare_at_price", { precision: 10, scale: 2 }),
    /** The owner's SKU code, unique across the shop when set. */
    code: varchar("code", { length: 64 }),
    stock: int("stock", { unsigned: true }).notNull().default(0),
    sales: int("sales", { unsigned: true }).notNull().default(0),
    onSale: boolean("on_sale").notNull().default(true),
    /**
     * A copy of "its product's status is active", written under this row's lock by every status
     * change (lib/admin/catalog/), so the checkout's conditional update refuses a draft's or an
     * archived product's variant on this one row, without reading `spus`, and a status change
     * conflicts with a concurrent checkout on this row (on Galera too).
     */
    productActive: boolean("product_active").notNull().default(true),
    /** Most units one customer may hold in orders that are not cancelled; null = no limit. */
    perCustomerLimit: int("per_customer_limit", { unsigned: true }),
    /** Checkout refuses the SKU before this instant; null = on sale now. */
    saleStartsAt: datetime("sale_starts_at", { mode: "date", fsp: 3 }),
    /**
     * The drop's waiting room (lib/drops/queue.ts): shoppers let in per second, minutes a pass
     * lasts, and the proof-of-work's difficulty. All three set, or none (no waiting room).
     */
    queueAdmitPerSecond: int("queue_admit_per_second", { unsigned: true }),
    queuePassMinutes: int("queue_pass_minutes", { unsigned: true }),
    queueDifficulty: int("queue_difficulty", { unsigned: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("skus_spu_name_idx").on(t.spuId, t.name),
    uniqueIndex("skus_code_idx").on(t.code),
    check("skus_stock_nonnegative", sql`${t.stock} >= 0`),
    check("skus_price_nonnegative", sql`${t.price} >= 0`),
    check("skus_compare_at_price_nonnegative", sql`${t.compareAtPrice} >= 0`),
    check("skus_per_customer_limit_range", sql`${t.perCustomerLimit} BETWEEN 1 AND 99`),
    check(
      "skus_queue_all_or_none",
      sql`(${t.queueAdmitPerSecond} IS NULL AND ${t.queuePassMinutes} IS NULL AND ${t.queueDifficulty} IS NULL) OR (${t.queueAdmitPerSecond} BETWEEN 1 AND 10000 AND ${t.queuePassMinutes} BETWEEN 1 AND 60 AND ${t.queueDifficulty} BETWEEN 1 AND 1000000)`,
    ),
  ],
);

export const orders = mysqlTable(
  "orders",
  {
    /** ULID: unique without coordination, sorts by creation time. */
    id: varchar("id", { length: 26 }).primaryKey(),
    userId: id("user_id").notNull().references(() => users.id),
    idempotencyKey: varchar("idempotency_key", { length: 64 }).notNull(),
    /** The saved address it was sent to; null for a guest's order (typed at checkout). */
    addressId: id("address_id"),
    /** The ship-to as it was at checkout: editing or removing a saved address never changes a placed order. */
    shipName: varchar("ship_name", { length: 64 }).notNull(),
    shipEmail: varchar("ship_email", { length: 254 }).notNull(),
    shipPhone: varchar("ship_phone", { length: 32 }).notNull(),
    shipLine1: varchar("ship_line1", { length: 255 }).notNull(),
    shipLine2: varchar("ship_line2", { length: 255 }).notNull(),
    shipCity: varchar("ship_city", { length: 128 }).notNull(),
    shipRegion: varchar("ship_region", { length: 128 }).notNull(),
    shipPostcode: varchar("ship_postcode", { length: 16 }).notNull(),
    shipCountry: varchar("ship_country", { length: 2 }).notNull(),
    totalCount: int("total_count", { unsigned: true }).notNull(),
    /** Sum of the lines plus freight. */
    totalAmount: decimal("total_amount", { precision: 12, scale: 2 }).notNull(),
    freight: decimal("freight", { precision: 10, scale: 2 }).notNull(),
    payMethod: mysqlEnum("pay_method", PAY_METHODS).notNull(),
    status: mysqlEnum("status", ORDER_STATUSES).notNull(),
    strategy: mysqlEnum("strategy", CHECKOUT_STRATEGIES).notNull(),
    /**
     * The cart revision this order bought (lib/cart/store.ts). Unique per user: one cart
     * revision becomes at most one order, however many tabs, keys or processes submit it.
     * Null only for orders placed before revisions existed.
     */
    cartRevision: varchar("cart_revision", { length: 32 }),
    /**
     * True from the insert until the order's lines are out of the cart (lib/cart/cleanup.ts):
     * a crash or a Redis failure between commit and cleanup leaves it set, and the user's next
     * cart read or checkout finishes the cleanup.
     */
    /**
     * Counts orders as they are inserted; the database numbers them (AUTO_INCREMENT) and its
     * unique index keeps two orders from ever sharing one. Shoppers see it as a short code,
     * "SR-7K3F92" (lib/orders/number.ts), which is a one-to-one encoding of this number.
     */
    orderNumber: bigint("order_number", { mode: "number", unsigned: true }).autoincrement().notNull(),
    cartCleanupPending: boolean("cart_cleanup_pending").notNull().default(true),
    /** Set by the admin's ship (optional, shown to the shopper); the checkout never writes them. */
    carrier: varchar("carrier", { length: 64 }),
    trackingNumber: varchar("tracking_number", { length: 64 }),
    createdAt: createdAt(),
    updatedAt: datetime("updated_at", { mode: "date", fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
  },
  (t) => [
    // The console's list: newest first, keyset-paged on (created_at, id) (lib/admin/order-search.ts).
    index("orders_created_id_idx").on(t.createdAt, t.id),
    // These two and orders_cleanup_idx are named by the checkout's lookups (FORCE INDEX, lib/orders/lookups.ts): rename them there too.
    uniqueIndex("orders_user_idempotency_idx").on(t.userId, t.idempotencyKey),
    uniqueIndex("orders_user_cart_revision_idx").on(t.userId, t.cartRevision),
    uniqueIndex("orders_order_number_idx").on(t.orderNumber),
    index("orders_user_created_idx").on(t.userId, t.createdAt),
    index("orders_status_created_idx").on(t.status, t.createdAt),
    // The orders room finds a customer's orders by the e-mail they were shipped to (guests too).
    index("orders_ship_email_idx").on(t.shipEmail),
    index("orders_cleanup_idx").on(t.userId, t.cartCleanupPending),
  ],
);

export const orderLines = mysqlTable(
  "order_lines",
  {
    orderId: varchar("order_id", { length: 26 }).notNull().references(() => orders.id, { onDelete: "cascade" }),
    // No foreign key on purpose: its check takes a shared lock on the SKU row, and checkout
    // inserts lines before its conditional UPDATE, so two buyers would deadlock upgrading it.
    // SKUs are never deleted (only taken off sale).
    skuId: id("sku_id").notNull(),
    /** Product and variant name as sold. */
    name: varchar("name", { length: NAME_LENGTH.orderLine }).notNull(),
    count: int("count", { unsigned: true }).notNull(),
    /** Unit price at the moment of the order. */
    price: decimal("price", { precision: 10, scale: 2 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.skuId] }), index("order_lines_sku_idx").on(t.skuId), check("order_lines_count_positive", sql`${t.count} > 0`)],
);

/**
 * A place stock is kept (a warehouse, a store). Checkout drains a SKU's active locations in
 * ascending priority (then id); a deactivated location's units stay on record but are not sellable.
 */
export const locations = mysqlTable("locations", {
  id: id("id").autoincrement().primaryKey(),
  name: varchar("name", { length: NAME_LENGTH.location }).notNull().unique(),
  priority: int("priority", { unsigned: true }).notNull(),
  active: boolean("active").notNull().default(true),
  createdAt: createdAt(),
});

/**
 * Stock of one SKU at one location. `skus.stock` is the sum over the rows with `active` set, kept
 * so in the same transaction: every change here first locks the SKU's `skus` row, so these rows
 * are never contended on their own (lock order: users -> skus -> sku_locations). `priority` and
 * `active` are copies of the location's, written under those same SKU locks
 * (lib/admin/locations.ts), so the checkout allocates from this one table and never locks a
 * `locations` row that every SKU shares.
 */
export const skuLocations = mysqlTable(
  "sku_locations",
  {
    skuId: id("sku_id").notNull().references(() => skus.id),
    locationId: id("location_id").notNull().references(() => locations.id),
    stock: int("stock", { unsigned: true }).notNull().default(0),
    priority: int("priority", { unsigned: true }).notNull(),
    active: boolean("active").notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.skuId, t.locationId] }), index("sku_locations_location_idx").on(t.locationId), check("sku_locations_stock_nonnegative", sql`${t.stock} >= 0`)],
);

/**
 * What each order line took from each location: cancel and expiry give units back to where they
 * came from. No foreign keys to skus or locations, like order_lines: the checkout writes these
 * while holding a hot SKU row, and a key check would take shared locks on rows every SKU shares.
 */
export const orderLineAllocations = mysqlTable(
  "order_line_allocations",
  {
    orderId: varchar("order_id", { length: 26 }).notNull().references(() => orders.id, { onDelete: "cascade" }),
    skuId: id("sku_id").notNull(),
    locationId: id("location_id").notNull(),
    count: int("count", { unsigned: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.skuId, t.locationId] }),
    index("order_line_allocations_location_idx").on(t.locationId),
    check("order_line_allocations_count_positive", sql`${t.count} > 0`),
  ],
);

/**
 * Every status an order took, with when and who: the order page's timeline. Written in the same
 * transaction as the move it records (lib/orders/events.ts), the checkout's creation included (one
 * multi-row INSERT per batch). No foreign key to users (a key check would share-lock the customer's
 * row, which the per-customer limits lock for update); `actor_id` is null for the system.
 */
export const orderEvents = mysqlTable(
  "order_events",
  {
    id: id("id").autoincrement().primaryKey(),
    orderId: varchar("order_id", { length: 26 }).notNull().references(() => orders.id, { onDelete: "cascade" }),
    /** The status the order moved to. */
    status: mysqlEnum("status", ORDER_STATUSES).notNull(),
    actorId: id("actor_id"),
    actorKind: mysqlEnum("actor_kind", ACTOR_KINDS).notNull(),
    /** Why, when the status alone does not say it: "payment time ran out", "DHL 00340434…". */
    note: varchar("note", { length: 255 }),
    createdAt: createdAt(),
  },
  (t) => [index("order_events_order_idx").on(t.orderId, t.id)],
);

/**
 * Ledger of every manual stock change, per location: start + sum(delta) - units allocated to
 * orders not cancelled = the location's stock. `stockAfter` is the location's stock after the
 * change. A transfer writes two rows (minus at the source, plus at the destination) in one transaction.
 */
export const stockAdjustments = mysqlTable(
  "stock_adjustments",
  {
    id: id("id").autoincrement().primaryKey(),
    skuId: id("sku_id").notNull().references(() => skus.id),
    locationId: id("location_id").notNull().references(() => locations.id),
    delta: int("delta").notNull(),
    stockAfter: int("stock_after", { unsigned: true }).notNull(),
    reason: varchar("reason", { length: 255 }).notNull(),
    adminId: id("admin_id").notNull().references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("stock_adjustments_sku_idx").on(t.skuId, t.createdAt)],
);

/**
 * A product picture as uploaded (metadata stripped). Its resized files live in `image_files`, in
 * the database, so every app server behind the front serves every image (docs/architecture.md).
 */
export const productImages = mysqlTable(
  "product_images",
  {
    id: id("id").autoincrement().primaryKey(),
    spuId: id("spu_id").notNull().references(() => spus.id),
    /** Set when the picture shows one variant; null = the product's. */
    skuId: id("sku_id").references(() => skus.id),
    position: int("position", { unsigned: true }).notNull(),
    alt: varchar("alt", { length: 255 }).notNull(),
    /** Pixel size of the largest stored file. */
    width: int("width", { unsigned: true }).notNull(),
    height: int("height", { unsigned: true }).notNull(),
    /** Content hash of the upload: names its files, so a URL never changes meaning. */
    hash: varchar("hash", { length: 64 }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("product_images_spu_idx").on(t.spuId, t.position)],
);

/** One resized file of a product image, named by content: served with `Cache-Control: immutable`. */
export const imageFiles = mysqlTable(
  "image_files",
  {
    /** `<hash>-<width>.<format>`, the last part of its URL. */
    name: varchar("name", { length: 128 }).primaryKey(),
    imageId: id("image_id").notNull().references(() => productImages.id, { onDelete: "cascade" }),
    width: int("width", { unsigned: true }).notNull(),
    height: int("height", { unsigned: true }).notNull(),
    format: mysqlEnum("format", IMAGE_FORMATS).notNull(),
    bytes: longblob("bytes").notNull(),
  },
  (t) => [index("image_files_image_idx").on(t.imageId)],
);

/** Who changed what in the catalog and when: one row per change, shown as the product's history. */
export const auditLog = mysqlTable(
  "audit_log",
  {
    id: id("id").autoincrement().primaryKey(),
    actorId: id("actor_id").notNull().references(() => users.id),
    entity: mysqlEnum("entity", AUDIT_ENTITIES).notNull(),
    entityId: id("entity_id").notNull(),
    /** The product the change belongs to, for its history. */
    spuId: id("spu_id").notNull(),
    /** What happened, e.g. "created", "updated", "archived", "image added". */
    action: varchar("action", { length: 32 }).notNull(),
    /** JSON: `{ field: [before, after] }` for an update, the new values for a creation. */
    changes: text("changes").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("audit_log_spu_idx").on(t.spuId, t.createdAt)],
);

/**
 * The drop's record (lib/drops/recorder.ts): one row per SKU and second in which its checkout
 * answered, written once, after a grace period, by whichever app process records first (the
 * primary key makes a second written twice a no-op). `second` is epoch seconds. `units` are the
 * units of the orders created in that second (orders.created_at), the answers and the latency
 * histogram (`latency`: counts of lib/drops/live-series.ts's fixed buckets, comma-separated)
 * come from the per-second Redis counts of every process.
 */
export const dropSeconds = mysqlTable(
  "drop_seconds",
  {
    skuId: id("sku_id").notNull(),
    second: int("second", { unsigned: true }).notNull(),
    units: int("units", { unsigned: true }).notNull(),
    created: int("created", { unsigned: true }).notNull(),
    outOfStock: int("out_of_stock", { unsigned: true }).notNull(),
    limitReached: int("limit_reached", { unsigned: true }).notNull(),
    notStarted: int("not_started", { unsigned: true }).notNull(),
    cartOrdered: int("cart_ordered", { unsigned: true }).notNull(),
    busy: int("busy", { unsigned: true }).notNull(),
    other: int("other", { unsigned: true }).notNull(),
    latency: varchar("latency", { length: 160 }).notNull(),
    p50Ms: decimal("p50_ms", { precision: 9, scale: 1 }),
    p99Ms: decimal("p99_ms", { precision: 9, scale: 1 }),
    /** The SKU's stock at the end of the second, as the recorder saw it (stock then + units sold after). */
    stockLeft: int("stock_left", { unsigned: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.skuId, t.second] })],
);

/**
 * One drop per SKU: from its first answered checkout (`first_second`) to `ended_at` (sold out or
 * quiet for a while; a later checkout opens it again). `recorded_through`: every second up to it
 * is in drop_seconds, so no second is recorded twice or skipped, across processes and restarts.
 */
export const dropRecords = mysqlTable("drop_records", {
  skuId: id("sku_id").primaryKey(),
  firstSecond: int("first_second", { unsigned: true }).notNull(),
  recordedThrough: int("recorded_through", { unsigned: true }).notNull(),
  lastAnswerSecond: int("last_answer_second", { unsigned: true }).notNull(),
  endedAt: datetime("ended_at", { mode: "date", fsp: 3 }),
});

/** Shoppers who tried to buy a drop's SKU (any answer): conversion's "tried". */
export const dropShoppers = mysqlTable(
  "drop_shoppers",
  {
    skuId: id("sku_id").notNull(),
    userId: id("user_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.skuId, t.userId] })],
);

/** What an outbox row says; each kind has its template in lib/mail/templates/. */
export const MAIL_KINDS = ["order_created", "order_paid", "order_shipped", "order_cancelled", "order_expired", "back_in_stock"] as const;
/**
 * `pending`: waits for its next attempt; `sending`: a relay claimed it and may be talking to the
 * SMTP server (its lease is `claimed_until`); `sent`: the server answered 250; `failed`: given up.
 */
export const MAIL_STATES = ["pending", "sending", "sent", "failed"] as const;

/**
 * The outbox (lib/mail/): one row per e-mail, written in the transaction of the event that causes
 * it, rendered and sent later by the relay (lib/mail/relay.ts). Its Message-ID is derived from
 * `id` (`<outbox-<id>@stockroom>`), so every attempt at one row carries the same one.
 */
export const mailOutbox = mysqlTable(
  "mail_outbox",
  {
    id: id("id").autoincrement().primaryKey(),
    kind: mysqlEnum("kind", MAIL_KINDS).notNull(),
    /** The foreign key is the checkout's Galera guard: its confirmations ride in one query after the orders' INSERT and must fail once those orders are rolled back (lib/orders/order-rows.ts). */
    orderId: varchar("order_id", { length: 26 }).references(() => orders.id, { onDelete: "cascade" }),
    /** A `back_in_stock` row's variant and the subscription it ended (for its unsubscribe link); null for order e-mails. */
    skuId: id("sku_id"),
    alertId: id("alert_id"),
    recipient: varchar("recipient", { length: 254 }).notNull(),
    state: mysqlEnum("state", MAIL_STATES).notNull().default("pending"),
    /** Attempts started (a claim counts one), bounded by MAIL_MAX_ATTEMPTS. */
    attempts: int("attempts", { unsigned: true }).notNull().default(0),
    nextAttemptAt: datetime("next_attempt_at", { mode: "date", fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
    claimedBy: varchar("claimed_by", { length: 64 }),
    claimedUntil: datetime("claimed_until", { mode: "date", fsp: 3 }),
    /** The last attempt's error, the reason for `failed`, or the note "not sent: no SMTP configured". */
    lastError: varchar("last_error", { length: 512 }),
    sentAt: datetime("sent_at", { mode: "date", fsp: 3 }),
    createdAt: createdAt(),
  },
  (t) => [
    index("mail_outbox_state_next_idx").on(t.state, t.nextAttemptAt),
    index("mail_outbox_order_idx").on(t.orderId, t.id),
  ],
);

/**
 * "Notify me when it's back" (lib/alerts/): who waits for a sold-out variant, one row per
 * (variant, e-mail), served in `id` order. A restock (0 -> N under the SKU's lock) turns up to
 * max(N, 10) x BACK_IN_STOCK_FACTOR of them into `back_in_stock` outbox rows and deletes them in
 * its own transaction. No foreign key to skus: a key check would share-lock the SKU row the
 * checkout updates.
 */
export const stockAlerts = mysqlTable(
  "stock_alerts",
  {
    id: id("id").autoincrement().primaryKey(),
    skuId: id("sku_id").notNull(),
    email: varchar("email", { length: 254 }).notNull(),
    /** The shopper who subscribed, when signed in (null for a guest). */
    userId: id("user_id"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("stock_alerts_sku_email_idx").on(t.skuId, t.email), index("stock_alerts_sku_id_idx").on(t.skuId, t.id)],
);

/**
 * Subscribers each variant's restocks have notified, for the console: counted here, in the
 * restock's transaction, rather than over `mail_outbox`, whose every row would then need an
 * index entry on the variant (a confirmation too, on the checkout's hot path).
 */
export const stockAlertCounts = mysqlTable("stock_alert_counts", {
  skuId: id("sku_id").primaryKey(),
  notified: int("notified", { unsigned: true }).notNull().default(0),
});

export type User = typeof users.$inferSelect;
export type Role = (typeof ROLES)[number];
export type Address = typeof addresses.$inferSelect;
export type Spu = typeof spus.$inferSelect;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];
export type ProductImage = typeof productImages.$inferSelect;
export type ImageFile = typeof imageFiles.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
export type Sku = typeof skus.$inferSelect;
export type Order = typeof orders.$inferSelect;
export type OrderLine = typeof orderLines.$inferSelect;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type OrderEvent = typeof orderEvents.$inferSelect;
export type ActorKind = (typeof ACTOR_KINDS)[number];
export type PayMethod = (typeof PAY_METHODS)[number];
export type StockAdjustment = typeof stockAdjustments.$inferSelect;
export type Location = typeof locations.$inferSelect;
export type SkuLocation = typeof skuLocations.$inferSelect;
export type OrderLineAllocation = typeof orderLineAllocations.$inferSelect;
export type DropSecondRow = typeof dropSeconds.$inferSelect;
export type DropRecord = typeof dropRecords.$inferSelect;
export type MailOutboxRow = typeof mailOutbox.$inferSelect;
export type StockAlert = typeof stockAlerts.$inferSelect;
export type MailKind = (typeof MAIL_KINDS)[number];
export type MailState = (typeof MAIL_STATES)[number];
