import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./index";
import { skus, spus, users, type Role } from "./schema";

type SeedProduct = {
  name: string;
  category: string;
  hue: number;
  description: string;
  skus: { name: string; price: string; stock: number; perCustomerLimit?: number }[];
};

export const LIMITED_DROP = { product: "Nebula Watch Limited Drop", sku: "Numbered edition", stock: 5, perCustomerLimit: 1 };

/** How long after the demo's first seed the limited drop launches, so a fresh demo shows its countdown. */
export const DEMO_DROP_DELAY_MS = 5 * 60_000;

export const PRODUCTS: SeedProduct[] = [
  {
    name: "Aurora Phone X",
    category: "Phones",
    hue: 222,
    description: "A 6.1-inch OLED phone with a two-day battery and a camera that loves low light.",
    skus: [
      { name: "Midnight, 128 GB", price: "799.00", stock: 40 },
      { name: "Midnight, 256 GB", price: "899.00", stock: 25 },
      { name: "Glacier, 128 GB", price: "799.00", stock: 30 },
      { name: "Glacier, 256 GB", price: "899.00", stock: 12 },
    ],
  },
  {
    name: "Pulse Wireless Earbuds",
    category: "Audio",
    hue: 164,
    description: "Noise-cancelling earbuds with eight hours of play and a pocket-sized charging case.",
    skus: [
      { name: "Pearl white", price: "129.00", stock: 120 },
      { name: "Graphite", price: "129.00", stock: 80 },
    ],
  },
  {
    name: "Drift Running Shoe",
    category: "Shoes",
    hue: 14,
    description: "A light, cushioned trainer for daily miles, with a recycled knit upper.",
    skus: [
      { name: "EU 40", price: "89.90", stock: 20 },
      { name: "EU 42", price: "89.90", stock: 18 },
      { name: "EU 44", price: "89.90", stock: 3 },
    ],
  },
  {
    name: "Atlas 14 Laptop",
    category: "Computers",
    hue: 262,
    description: "A 14-inch aluminium laptop, silent under load, with a keyboard you will want to write on.",
    skus: [
      { name: "16 GB RAM, 512 GB SSD", price: "1299.00", stock: 10 },
      { name: "32 GB RAM, 1 TB SSD", price: "1699.00", stock: 6 },
    ],
  },
  {
    name: "Harbor Canvas Backpack",
    category: "Bags",
    hue: 88,
    description: "Waxed canvas, a padded laptop sleeve and leather straps that age well.",
    skus: [
      { name: "Olive", price: "59.00", stock: 50 },
      { name: "Navy", price: "59.00", stock: 45 },
    ],
  },
  {
    name: "Ember Ceramic Mug",
    category: "Home",
    hue: 32,
    description: "Hand-glazed stoneware that keeps coffee warm and sits well in the hand.",
    skus: [
      { name: "350 ml", price: "14.50", stock: 200 },
      { name: "500 ml", price: "16.50", stock: 150 },
    ],
  },
  {
    name: LIMITED_DROP.product,
    category: "Limited",
    hue: 292,
    description: "Five numbered pieces with a sapphire crystal and a hand-finished case. When they are gone, they are gone.",
    skus: [{ name: LIMITED_DROP.sku, price: "249.00", stock: LIMITED_DROP.stock, perCustomerLimit: LIMITED_DROP.perCustomerLimit }],
  },
];

/** The demo's logins, printed by `npm run demo`: created only when the demo is seeded (SEED_DEMO=1). */
export const DEMO_SHOPPER = { username: "demo", password: "demo12345" };
export const DEMO_ADMIN = { username: "admin", password: "admin12345" };
/** Passwords anyone can read in this repository: never an account's outside the demo. */
export const KNOWN_PASSWORDS: readonly string[] = [DEMO_SHOPPER.password, DEMO_ADMIN.password];

/** How the seed stores a password: the app's own hash (lib/auth/password.ts), handed in by the caller. */
type HashPassword = (password: string) => Promise<string>;

export type EnsuredUser = { id: number; created: boolean; role: Role };

/** Creates the account if its username is free; an existing one is left exactly as it is. */
export async function ensureUser(db: Db, hashPassword: HashPassword, username: string, password: string, role: "shopper" | "admin"): Promise<EnsuredUser> {
  const [existing] = await db.select({ id: users.id, role: users.role }).from(users).where(eq(users.username, username)).limit(1);
  if (existing) return { ...existing, created: false };
  const [row] = await db.insert(users).values({ username, passwordHash: await hashPassword(password), role }).$returningId();
  return { id: row!.id, created: true, role };
}

/** The demo catalog: the products, their SKUs and their stock at the first location. */
export async function seedCatalog(db: Db, { dropStartsAt }: { dropStartsAt?: Date } = {}) {
  for (const product of PRODUCTS) {
    const { skus: variants, ...spu } = product;
    await db.insert(spus).ignore().values(spu);
    const [row] = await db.select({ id: spus.id }).from(spus).where(eq(spus.name, product.name)).limit(1);
    for (const v of variants) {
      const saleStartsAt = product.name === LIMITED_DROP.product ? dropStartsAt : undefined;
      await db.insert(skus).ignore().values({ spuId: row!.id, ...v, saleStartsAt });
    }
  }
  // A new SKU's units are at the shop's first location (the migration's "Main warehouse").
  await db.execute(sql`INSERT INTO sku_locations (sku_id, location_id, stock, priority, active)
    SELECT s.id, l.id, s.stock, l.priority, l.active FROM skus s JOIN (SELECT * FROM locations WHERE active = 1 ORDER BY id LIMIT 1) l
    WHERE NOT EXISTS (SELECT 1 FROM sku_locations sl WHERE sl.sku_id = s.id)`);
}

/** When the seeded limited drop goes on sale (null: at once), as the database holds it. */
export async function limitedDropStartsAt(db: Db): Promise<Date | null | undefined> {
  const [row] = await db
    .select({ saleStartsAt: skus.saleStartsAt })
    .from(skus)
    .innerJoin(spus, eq(spus.id, skus.spuId))
    .where(and(eq(spus.name, LIMITED_DROP.product), eq(skus.name, LIMITED_DROP.sku)))
    .limit(1);
  return row ? row.saleStartsAt : undefined;
}

/**
 * The demo: catalog, admin and demo shopper. Inserts what is missing and leaves existing rows
 * alone, so running it twice never resets stock or duplicates products. `dropStartsAt`: the
 * limited drop's launch time when it is first inserted (none: on sale at once, as tests want it).
 * Only the demo, tests and the benchmark call it: a production seed makes the first admin alone.
 */
export async function seed(
  db: Db,
  { admin, hashPassword, dropStartsAt }: { admin: { username: string; password: string }; hashPassword: HashPassword; dropStartsAt?: Date },
) {
  await seedCatalog(db, { dropStartsAt });
  await ensureUser(db, hashPassword, admin.username, admin.password, "admin");
  await ensureUser(db, hashPassword, DEMO_SHOPPER.username, DEMO_SHOPPER.password, "shopper");
}
