// `npm run db:seed`: the demo catalog and the first admin. It reads only the database's and the
// seed's settings, so a production install seeds before it has a SESSION_SECRET.
import { parseConfig, seedEnvShape } from "@/db/config";
import { closeDb, getDb } from "@/db";
import { DEMO_DROP_DELAY_MS, PRODUCTS, seed } from "@/db/seed";
import { hashPassword } from "@/lib/auth/password";

try {
  const { ADMIN_USERNAME, ADMIN_PASSWORD } = parseConfig(seedEnvShape, process.env);
  await seed(getDb(), {
    admin: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD },
    hashPassword,
    dropStartsAt: new Date(Date.now() + DEMO_DROP_DELAY_MS),
  });
  console.log(`Seeded ${PRODUCTS.length} products`);
} catch (e) {
  console.error(`Seed failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
