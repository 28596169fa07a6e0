import http from "node:http";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { productImages, skus } from "@/db/schema";
import type { ImageView } from "@/lib/images/urls";
import { AppServer, FrontServer } from "./faults/services";
import { makeShopper, makeSkus, uid, type Shopper } from "./support/fixtures";
import { encodeForm, phoneJpeg, uploadForm } from "./support/images";
import { sleep } from "./support/wait";

/**
 * Pictures through the front (scripts/front.sh, the repo's nginx configuration) in front of one
 * app server, as production runs them: the upload route alone takes 10 MiB, everything else stays
 * at 64 KiB, and the files are cached by the front. Its own ports (IMAGES_PORT_BASE), apart from
 * the fault tests'; needs the production build (.next-test) like them.
 */
const BASE = Number(process.env.IMAGES_PORT_BASE ?? 3621);
const env = { DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: process.env.REDIS_URL!, CHECKOUT_RATE_LIMIT: "0", TRUSTED_PROXY_HOPS: "1" };

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/**
 * One request on its own connection. A body waits for the server's `100 Continue`: the front
 * answers an oversized upload with 413 from its headers alone, and a client already writing the
 * body could have its socket reset under that answer, losing it (on a busy machine the test then
 * hung until its timeout). A server that neither continues nor answers within a second gets the
 * body anyway (RFC 9110). `refusedFromHeaders`: the headers alone, and the body never (Node
 * continues every request at once, and the app answers an oversized one from its length and
 * closes). Settles in every case: a connection closed with no answer rejects.
 */
function send(
  base: URL,
  method: string,
  path: string,
  { headers = {}, body, refusedFromHeaders = false }: { headers?: Record<string, string>; body?: Buffer; refusedFromHeaders?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const lengths = body ? { "content-length": String(body.length), ...(refusedFromHeaders ? {} : { expect: "100-continue" }) } : {};
    let answered = false;
    let sent = !body;
    const sendBody = () => {
      if (sent || answered || refusedFromHeaders) return;
      sent = true;
      req.end(body);
    };
    const req = http.request({ host: base.hostname, port: base.port, method, path, headers: { ...headers, ...lengths }, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) });
        req.destroy();
      });
    });
    req.on("continue", sendBody);
    const fallback = setTimeout(sendBody, 1_000);
    req.on("close", () => {
      clearTimeout(fallback);
      if (!answered) reject(new Error(`${method} ${path}: the connection closed without an answer`));
    });
    // A body cut short by the server's answer: the answer settles the promise.
    req.on("error", (e) => (answered && /EPIPE|ECONNRESET/.test(String(e)) ? undefined : reject(e)));
    if (!body) req.end();
    else req.flushHeaders();
  });
}

async function uploadThrough(base: URL, spuId: number, file: Buffer, cookie: string, name = "photo.jpg", type = "image/jpeg", refusedFromHeaders = false) {
  const { body, contentType } = await encodeForm(uploadForm(file, name, type, { alt: "Through the front" }));
  return send(base, "POST", `/api/admin/products/${spuId}/images`, { body, headers: { "content-type": contentType, cookie }, refusedFromHeaders });
}

const json = (a: Answer) => JSON.parse(a.body.toString()) as { image?: ImageView; error?: { code: string } };

describe("pictures through the front", () => {
  const app = new AppServer(BASE, env);
  const front = new FrontServer(BASE + 1, [BASE]);
  let admin: Shopper;
  let spuId: number;
  const productName = uid("Pictured ");

  beforeAll(async () => {
    await Promise.all([app.start(), front.start()]);
    admin = await makeShopper("admin");
    const [skuId] = await makeSkus([5], { product: productName });
    [{ spuId }] = (await getDb().select({ spuId: skus.spuId }).from(skus).where(eq(skus.id, skuId!))) as [{ spuId: number }];
  }, 120_000);
  afterAll(async () => {
    await Promise.all([front.stop(), app.stop()]);
  });

  const appSaw = (status: number) => app.logs().filter((l) => typeof l.path === "string" && l.path.includes("/images") && l.status === status);

  it("lets a picture of several MiB through on the upload route, and serves its files cached for a year, from the front's cache", async () => {
    // Noise does not compress: a ~6 MiB PNG, far past the 64 KiB every other body is held to.
    const noise = Buffer.alloc(1500 * 1400 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const big = await sharp(noise, { raw: { width: 1500, height: 1400, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    const res = await uploadThrough(front.base, spuId, big, admin.cookie, "noise.png", "image/png");
    expect(res.status, res.body.toString()).toBe(201);
    const image = json(res).image!;
    expect(image.width).toBe(1280);

    const phone = json(await uploadThrough(front.base, spuId, await phoneJpeg(), admin.cookie)).image!;
    for (const url of [image.url, ...phone.srcSet.split(", ").map((s) => s.split(" ")[0]!)]) {
      const first = await send(front.base, "GET", url);
      expect(first.status).toBe(200);
      expect(first.headers["content-type"]).toBe("image/webp");
      expect(first.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(first.headers["x-front-cache"]).toBe("MISS");
      const again = await send(front.base, "GET", url);
      expect(again.headers["x-front-cache"]).toBe("HIT");
      expect(again.body.equals(first.body)).toBe(true);
      expect((await sharp(again.body).metadata()).exif).toBeUndefined();
    }
    // An unknown name is the app's 404, never cached.
    const unknown = await send(front.base, "GET", `/images/${"0".repeat(32)}-320.webp`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers["x-front-cache"]).not.toBe("HIT");
  });

  it("answers an 11 MiB upload with 413 PAYLOAD_TOO_LARGE itself: the app never sees it", async () => {
    const huge = Buffer.concat([await phoneJpeg(400, 300), Buffer.alloc(11 * 1024 * 1024)]);
    const before = (await getDb().select().from(productImages).where(eq(productImages.spuId, spuId))).length;
    const res = await uploadThrough(front.base, spuId, huge, admin.cookie);
    expect(res.status).toBe(413);
    expect(json(res).error!.code).toBe("PAYLOAD_TOO_LARGE");
    expect(res.headers["x-request-id"]).toBeUndefined(); // every answer of the app carries one
    await sleep(100);
    expect(appSaw(413)).toEqual([]);
    expect((await getDb().select().from(productImages).where(eq(productImages.spuId, spuId))).length).toBe(before);
    // The app refuses it too, when something lets it through (straight to the app's port).
    const direct = await uploadThrough(app.base, spuId, huge, admin.cookie, "photo.jpg", "image/jpeg", true);
    expect(direct.status).toBe(413);
    expect(json(direct).error!.code).toBe("PAYLOAD_TOO_LARGE");
    expect(direct.headers["x-request-id"]).toBeTruthy();
  });

  it("keeps every other body at 64 KiB, the reorder PUT on the same path included", async () => {
    const mib = Buffer.alloc(1024 * 1024, 0x20);
    for (const [method, path] of [
      ["PUT", `/api/admin/products/${spuId}/images`],
      ["POST", `/api/admin/products/${spuId}`],
      ["POST", `/api/admin/products/${spuId}/images/1`],
      ["POST", "/api/cart/items"],
    ] as const) {
      const res = await send(front.base, method, path, { body: mib, headers: { "content-type": "application/json", cookie: admin.cookie } });
      expect(res.status, `${method} ${path}`).toBe(413);
      expect(res.headers["x-request-id"], `${method} ${path}`).toBeUndefined();
    }
    // A reorder of the right size goes through (to the app, on its own path).
    const ids = (await getDb().select({ id: productImages.id }).from(productImages).where(eq(productImages.spuId, spuId)).orderBy(productImages.position)).map((r) => r.id);
    const reordered = await send(front.base, "PUT", `/api/admin/products/${spuId}/images`, { body: Buffer.from(JSON.stringify({ order: [...ids].reverse() })), headers: { "content-type": "application/json", cookie: admin.cookie } });
    expect(reordered.status, reordered.body.toString()).toBe(200);
    expect((JSON.parse(reordered.body.toString()) as { images: ImageView[] }).images.map((i) => i.imageId)).toEqual([...ids].reverse());
    await send(front.base, "PUT", `/api/admin/products/${spuId}/images`, { body: Buffer.from(JSON.stringify({ order: ids })), headers: { "content-type": "application/json", cookie: admin.cookie } });
    // The internal location is not reachable from outside.
    expect((await send(front.base, "POST", `/_small_body/api/admin/products/${spuId}/images`, { body: Buffer.from("{}") })).status).toBe(404);
  });

  it("answers a guest's upload with the app's 401", async () => {
    const { body, contentType } = await encodeForm(uploadForm(await phoneJpeg(400, 300), "a.jpg", "image/jpeg"));
    const res = await send(front.base, "POST", `/api/admin/products/${spuId}/images`, { body, headers: { "content-type": contentType } });
    expect(res.status).toBe(401);
    expect(json(res).error!.code).toBe("UNAUTHENTICATED");
  });

  it("shows the pictures on the product page and the catalog, with srcset, and serves the page from the front's cache", async () => {
    const first = (await getDb().select().from(productImages).where(eq(productImages.spuId, spuId)).orderBy(productImages.position))[0]!;
    const page = await send(front.base, "GET", `/products/${spuId}`);
    expect(page.status).toBe(200);
    const html = page.body.toString();
    expect(html).toContain(`/images/${first.hash}-320.webp 320w`);
    expect(html).toMatch(/sizes="\(max-width: 760px\) 100vw, 540px"/);
    expect(html).toContain('alt="Through the front"');
    // Asked again at once, the page comes from the front's cache (an entry lives to the end of its
    // second, so a request that lands just past it starts a new one: a few tries).
    const cacheStates: unknown[] = [];
    for (let i = 0; i < 5 && !["HIT", "UPDATING"].includes(String(cacheStates.at(-1))); i++) cacheStates.push((await send(front.base, "GET", `/products/${spuId}`)).headers["x-front-cache"]);
    expect(["HIT", "UPDATING"], cacheStates.join(" ")).toContain(cacheStates.at(-1));
    const catalog = (await send(front.base, "GET", `/?q=${encodeURIComponent(productName)}`)).body.toString();
    expect(catalog).toContain(`/images/${first.hash}-640.webp 640w`);
  });
});
