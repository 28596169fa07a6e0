import { writeFile } from "node:fs/promises";
import { expect, test as setup, type APIRequestContext } from "@playwright/test";
import { AUDIT_SHOPPER_FILE, AUTH_FILE } from "./support/audit";
import { newUsername } from "./pages/login";
import { makeVariant } from "./support/fixtures";

/**
 * One login per role for the whole run (the page audits and the phone flow reuse it), with
 * something in each cart and one placed order, so cart, checkout and order pages show real content.
 */
async function fillAccount(request: APIRequestContext) {
  // A variant of its own: the order and the cart never touch stock that other specs count.
  const sku = await makeVariant("Harbor Canvas Backpack", { stock: 50 });
  const address = await request.post("/api/addresses", { data: { name: "Audit Shopper", email: "e2e@example.com", phone: "+1 555 0142", line1: "12 Elm Street", city: "Portland", region: "Oregon", postcode: "97201", country: "US" } });
  expect(address.status()).toBe(201);
  const addressId = (await address.json()).address.id as number;
  expect((await request.post("/api/cart/items", { data: { skuId: sku.skuId, count: 1 } })).status()).toBe(201);
  const order = await request.post("/api/orders", { headers: { "Idempotency-Key": `audit-${newUsername("")}` }, data: { addressId, payMethod: "cod" } });
  expect(order.status()).toBe(201);
  expect((await request.post("/api/cart/items", { data: { skuId: sku.skuId, count: 2 } })).status()).toBe(201);
}

setup("a shopper with an order and a filled cart", async ({ request }) => {
  const username = newUsername("audit");
  expect((await request.post("/api/auth/register", { data: { username, password: "password123" } })).status()).toBe(201);
  await fillAccount(request);
  await request.storageState({ path: AUTH_FILE.shopper });
  await writeFile(AUDIT_SHOPPER_FILE, username);
});

setup("the admin, with an order of their own", async ({ request }) => {
  expect((await request.post("/api/auth/login", { data: { username: "admin", password: "admin12345" } })).status()).toBe(200);
  await fillAccount(request);
  await request.storageState({ path: AUTH_FILE.admin });
});
