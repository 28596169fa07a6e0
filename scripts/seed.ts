// `npm run db:seed`. Two jobs, chosen by SEED_DEMO:
//   SEED_DEMO=1  the demo: catalog, limited drop, admin (ADMIN_PASSWORD or admin12345) and the demo
//                shopper. Set by scripts/demo.sh and scripts/e2e-server.sh only.
//   otherwise    a real shop's first admin, from ADMIN_USERNAME / ADMIN_PASSWORD: no catalog, no
//                shopper, no default password (it refuses to run without one, or with a known one).
// It reads only the database's and the seed's settings, so a production install seeds before it
// has a SESSION_SECRET.
import { inArray } from "drizzle-orm";
import { z } from "zod";
import { parseConfig, seedEnvShape } from "@/db/config";
import { closeDb, getDb } from "@/db";
import { DEMO_ADMIN, DEMO_DROP_DELAY_MS, DEMO_SHOPPER, KNOWN_PASSWORDS, LIMITED_DROP, PRODUCTS, ensureUser, limitedDropStartsAt, seed } from "@/db/seed";
import { users } from "@/db/schema";
import { hashPassword, verifyPassword } from "@/lib/auth/password";

const modeShape = { SEED_DEMO: z.enum(["0", "1"], { error: "must be 1 (seed the demo) or 0" }).default("0") };

class SeedRefused extends Error {}

async function seedDemo(admin: { username: string; password: string }) {
  const db = getDb();
  await seed(db, { admin, hashPassword, dropStartsAt: new Date(Date.now() + DEMO_DROP_DELAY_MS) });
  console.log(`Seeded the demo: ${PRODUCTS.length} products, admin ${admin.username}, shopper ${DEMO_SHOPPER.username}`);
  const startsAt = await limitedDropStartsAt(db);
  if (startsAt === undefined) return;
  const when = startsAt === null || startsAt <= new Date() ? "on sale now" : `launches at ${startsAt.toLocaleTimeString("en-GB")} (in ${Math.ceil((startsAt.getTime() - Date.now()) / 60_000)} min)`;
  console.log(`The drop: ${LIMITED_DROP.product}, ${LIMITED_DROP.sku} (${LIMITED_DROP.stock} units, ${LIMITED_DROP.perCustomerLimit} per customer) ${when}`);
}

async function seedFirstAdmin(username: string, password: string | undefined) {
  if (!password) {
    throw new SeedRefused(
      "ADMIN_PASSWORD is not set. The seed makes the shop's first admin and has no default password: " +
        "run `ADMIN_PASSWORD='…' npm run db:seed`, or `npm run admin:create` to be asked for it " +
        "(SEED_DEMO=1 seeds the demo catalog and its known logins instead: never on a real shop).",
    );
  }
  if (KNOWN_PASSWORDS.includes(password)) throw new SeedRefused("ADMIN_PASSWORD is one of the demo's published passwords: choose another.");
  const admin = await ensureUser(getDb(), hashPassword, username, password, "admin");
  if (admin.role !== "admin") throw new SeedRefused(`${username} is a shopper's username; set ADMIN_USERNAME to another.`);
  // A database that once held the demo still has its logins: say so rather than call the shop safe.
  const demoLogins = await getDb()
    .select({ username: users.username, passwordHash: users.passwordHash })
    .from(users)
    .where(inArray(users.username, [DEMO_ADMIN.username, DEMO_SHOPPER.username, username]));
  for (const user of demoLogins) {
    for (const known of KNOWN_PASSWORDS) {
      if (await verifyPassword(known, user.passwordHash)) {
        throw new SeedRefused(`the account ${user.username} still has the demo's published password: reset it (\`npm run admin:create -- ${user.username}\` for an admin) or delete it.`);
      }
    }
  }
  console.log(
    admin.created
      ? `Created the admin ${username}`
      : `The admin ${username} already exists and was left as it is (\`npm run admin:create\` resets its password)`,
  );
}

try {
  const { SEED_DEMO } = parseConfig(modeShape, process.env);
  const { ADMIN_USERNAME, ADMIN_PASSWORD } = parseConfig(seedEnvShape, process.env);
  if (SEED_DEMO === "1") await seedDemo({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD ?? DEMO_ADMIN.password });
  else await seedFirstAdmin(ADMIN_USERNAME, ADMIN_PASSWORD);
} catch (e) {
  console.error(e instanceof SeedRefused ? `Seed refused: ${e.message}` : `Seed failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
