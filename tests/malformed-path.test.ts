import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { skus } from "@/db/schema";
import { makeSkus } from "./support/fixtures";
import { AppServer, PORTS, ROOT } from "./faults/services";

/**
 * A broken percent-escape in a dynamic route's path made `next start` answer a bare 500 before
 * any of our code ran (it failed to decode the param, then to render the Pages Router's 400 page
 * an App Router build lacks). proxy.ts answers 400 MALFORMED_PATH first: JSON under /api, a page
 * elsewhere. Walked against the production server, on every dynamic route the app has.
 */

const ESCAPES = ["%ff", "%%%", "%E0%A4%A", "%00%ff", "%"];

type Route = { pattern: string; methods: string[] };

/** Every dynamic route under app/, read from the files, so a new one is walked without editing this test. */
function dynamicRoutes(dir = path.join(ROOT, "app"), url = ""): Route[] {
  const found: Route[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // Route groups "(name)" add nothing to the URL.
      found.push(...dynamicRoutes(full, /^\(.*\)$/.test(entry.name) ? url : `${url}/${entry.name}`));
    } else if (url.includes("[") && (entry.name === "page.tsx" || entry.name === "route.ts")) {
      const methods =
        entry.name === "page.tsx" ? ["GET"] : [...readFileSync(full, "utf8").matchAll(/^export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/gm)].map((m) => m[1]!);
      found.push({ pattern: url, methods });
    }
  }
  return found;
}

/** Sends the path exactly as written (no client re-encoding) and reads the answer. */
function send(server: AppServer, method: string, rawPath: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: server.port, method, path: rawPath, headers: { accept: "text/html,application/json" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"] ?? ""), body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("a malformed percent-escape in a path, on the production server", () => {
  const server = new AppServer(PORTS.server, { DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: process.env.REDIS_URL! });
  const routes = dynamicRoutes();

  beforeAll(() => server.start(), 120_000);
  afterAll(() => server.stop());

  it("finds every dynamic route, pages and API", () => {
    const patterns = routes.map((r) => r.pattern);
    for (const known of ["/products/[spuId]", "/catalog/[view]", "/orders/[orderId]", "/api/cart/items/[skuId]", "/api/orders/[orderId]/pay", "/api/stock/[skus]"]) {
      expect(patterns).toContain(known);
    }
    expect(routes.every((r) => r.methods.length > 0)).toBe(true);
  });

  it("answers 400 MALFORMED_PATH on every dynamic route: JSON for the API, a page for the rest", async () => {
    const answers: string[] = [];
    for (const { pattern, methods } of routes) {
      for (const escape of ESCAPES) {
        const rawPath = pattern.replace(/\[[^\]]+\]/g, escape);
        for (const method of methods) {
          const res = await send(server, method, rawPath);
          const isApi = rawPath.startsWith("/api/");
          const ok =
            res.status === 400 &&
            (isApi
              ? res.type.startsWith("application/json") && (JSON.parse(res.body) as { error?: { code?: string } }).error?.code === "MALFORMED_PATH"
              : res.type.startsWith("text/html") && res.body.includes("<h1>That address is broken</h1>"));
          if (!ok) answers.push(`${method} ${rawPath}: ${res.status} ${res.type} ${res.body.slice(0, 80)}`);
        }
      }
    }
    expect(answers).toEqual([]);
  });

  it("still serves a path whose escapes are valid, decoded as before", async () => {
    const [skuId] = await makeSkus([7]);
    const [row] = await getDb().select({ spuId: skus.spuId }).from(skus).where(eq(skus.id, skuId!));
    // Every character of the id percent-encoded: "12" is "%31%32".
    const encode = (n: number) => [...String(n)].map((d) => `%3${d}`).join("");

    const catalog = await send(server, "GET", "/catalog/%61ll");
    expect(catalog.status).toBe(200);
    const product = await send(server, "GET", `/products/${encode(row!.spuId)}`);
    expect(product.status).toBe(200);
    expect(product.body).toContain("Variant 1");
    const stock = await send(server, "GET", `/api/stock/${encode(skuId!)}`);
    expect(stock.status).toBe(200);
    expect(JSON.parse(stock.body)).toMatchObject({ skus: [{ skuId, stock: 7 }] });
    // A valid escape reaches the route's own code: here, its sign-in check.
    const order = await send(server, "GET", "/api/orders/%41BC");
    expect(order.status).toBe(401);
  });
});
