import { and, eq, inArray } from "drizzle-orm";
import { NextRequest } from "next/server";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { DELETE as deleteRoute } from "@/app/api/admin/products/[spuId]/images/[imageId]/route";
import { POST as uploadRoute, PUT as reorderRoute } from "@/app/api/admin/products/[spuId]/images/route";
import { GET as fileRoute } from "@/app/images/[name]/route";
import { getDb } from "@/db";
import { auditLog, imageFiles, productImages, skus } from "@/db/schema";
import { addImage, coverImages, imagesOfProducts, listImages } from "@/lib/images/service";
import type { ImageView } from "@/lib/images/urls";
import { ctx, makeShopper, makeSkus, request, type Shopper } from "./support/fixtures";
import { bombPng, hasGpsPointer, phoneJpeg, picture, uploadForm } from "./support/images";

let admin: Shopper;
let shopper: Shopper;

beforeAll(async () => {
  admin = await makeShopper("admin");
  shopper = await makeShopper("shopper");
});

/** A new product with `variants` SKUs. */
async function makeProduct(variants = 1) {
  const skuIds = await makeSkus(Array.from({ length: variants }, () => 5));
  const [row] = await getDb().select({ spuId: skus.spuId }).from(skus).where(eq(skus.id, skuIds[0]!));
  return { spuId: row!.spuId, skuIds };
}

/** `as`: whose session cookie goes with the request (the admin's unless said; null for a guest). */
const upload = (spuId: number | string, form: FormData, as: Shopper | null = admin) =>
  uploadRoute(new NextRequest(new URL(`http://localhost/api/admin/products/${spuId}/images`), { method: "POST", body: form, headers: as ? { cookie: as.cookie } : {} }), ctx({ spuId: String(spuId) }));
const reorder = (spuId: number, order: unknown, as: Shopper | null = admin) =>
  reorderRoute(request(`/api/admin/products/${spuId}/images`, { method: "PUT", cookie: as?.cookie, body: { order } }), ctx({ spuId: String(spuId) }));
const remove = (spuId: number, imageId: number | string, as: Shopper | null = admin) =>
  deleteRoute(request(`/api/admin/products/${spuId}/images/${imageId}`, { method: "DELETE", cookie: as?.cookie }), ctx({ spuId: String(spuId), imageId: String(imageId) }));
const serve = (name: string) => fileRoute(request(`/images/${name}`), ctx({ name }));

const imagesOf = (spuId: number) => getDb().select().from(productImages).where(eq(productImages.spuId, spuId));
async function filesOf(spuId: number) {
  const ids = (await imagesOf(spuId)).map((i) => i.id);
  return ids.length ? getDb().select().from(imageFiles).where(inArray(imageFiles.imageId, ids)) : [];
}
const fileName = (url: string) => url.slice("/images/".length);

async function uploaded(res: Response): Promise<ImageView> {
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.image;
}

async function refused(res: Response, status: number, code: string) {
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toBeTruthy();
  return body.error;
}

describe("uploading a product picture", () => {
  it("turns a phone's JPEG upright and stores WebP at 320/640/1280 px with no EXIF, no GPS, no camera left", async () => {
    const { spuId } = await makeProduct();
    const jpeg = await phoneJpeg(1600, 1200);
    const before = await sharp(jpeg).metadata();
    expect(hasGpsPointer(before.exif)).toBe(true); // the upload does carry a position
    expect(before.exif!.toString("latin1")).toContain("Secret Model 9");

    const image = await uploaded(await upload(spuId, uploadForm(jpeg, "IMG_0001.JPG", "image/jpeg", { alt: "Olive sneaker, side view" })));
    // Orientation 6: the stored picture is upright, 1200 wide and 1600 high (at most 1280 wide).
    expect(image).toMatchObject({ alt: "Olive sneaker, side view", width: 1200, height: 1600, skuId: null });
    expect(image.url).toMatch(/^\/images\/[0-9a-f]{32}-1200\.webp$/);
    expect(image.srcSet.split(", ").map((s) => s.split(" ")[1])).toEqual(["320w", "640w", "1200w"]);

    const files = await filesOf(spuId);
    expect(files.map((f) => [f.width, f.height, f.format]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [320, 427, "webp"],
      [640, 853, "webp"],
      [1200, 1600, "webp"],
    ]);
    for (const file of files) {
      const meta = await sharp(file.bytes).metadata();
      expect(meta.format).toBe("webp");
      expect([meta.width, meta.height]).toEqual([file.width, file.height]);
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(file.bytes.includes(Buffer.from("Secret Model 9"))).toBe(false);
      expect(file.bytes.includes(Buffer.from("Stockroom Test Phone"))).toBe(false);
    }
    const [audit] = await getDb().select().from(auditLog).where(and(eq(auditLog.entity, "image"), eq(auditLog.entityId, image.imageId)));
    expect(audit).toMatchObject({ actorId: admin.id, spuId, action: "image added" });
    expect(JSON.parse(audit!.changes)).toMatchObject({ alt: "Olive sneaker, side view", uploadedAs: "jpeg", files: [1200, 640, 320] });
  });

  it("serves each stored file with its type and a year of immutable caching; unknown names are 404", async () => {
    const { spuId } = await makeProduct();
    const image = await uploaded(await upload(spuId, uploadForm(await picture("png", 700, 500), "a.png", "image/png")));
    for (const entry of image.srcSet.split(", ")) {
      const url = entry.split(" ")[0]!;
      const res = await serve(fileName(url));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/webp");
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      const bytes = Buffer.from(await res.arrayBuffer());
      const [row] = await getDb().select().from(imageFiles).where(eq(imageFiles.name, fileName(url)));
      expect(bytes.equals(row!.bytes)).toBe(true);
      expect(Number(res.headers.get("content-length"))).toBe(bytes.length);
    }
    await refused(await serve(`${"0".repeat(32)}-320.webp`), 404, "IMAGE_NOT_FOUND");
    await refused(await serve("..%2F..%2Fetc%2Fpasswd"), 404, "IMAGE_NOT_FOUND");
    await refused(await serve("favicon.ico"), 404, "IMAGE_NOT_FOUND");
  });

  it("goes by the bytes, not the name: a PNG named .jpg is taken, WebP and AVIF too; a small picture is never upscaled", async () => {
    const { spuId } = await makeProduct();
    const png = await uploaded(await upload(spuId, uploadForm(await picture("png", 200, 150), "holiday.jpg", "image/jpeg")));
    expect([png.width, png.height]).toEqual([200, 150]);
    expect(png.srcSet).toBe(`${png.url} 200w`);
    const webp = await uploaded(await upload(spuId, uploadForm(await picture("webp"), "x.bin", "application/octet-stream")));
    const avif = await uploaded(await upload(spuId, uploadForm(await picture("avif"), "x.avif", "image/avif")));
    expect([webp.width, avif.width]).toEqual([400, 400]);
    const audits = await getDb().select().from(auditLog).where(inArray(auditLog.entityId, [png.imageId, webp.imageId, avif.imageId]));
    expect(audits.filter((a) => a.entity === "image").map((a) => JSON.parse(a.changes).uploadedAs).sort()).toEqual(["avif", "png", "webp"]);
  });

  it("refuses a text file named .png (415), a 41-megapixel PNG (422) and an 11 MiB file (413), leaving no row", async () => {
    const { spuId } = await makeProduct();
    await refused(await upload(spuId, uploadForm(Buffer.from("just some text, not a picture\n".repeat(20)), "photo.png", "image/png")), 415, "UNSUPPORTED_IMAGE");
    await refused(await upload(spuId, uploadForm(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>'), "a.png", "image/png")), 415, "UNSUPPORTED_IMAGE");
    const bomb = await bombPng();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const tooMany = await refused(await upload(spuId, uploadForm(bomb, "bomb.png", "image/png")), 422, "IMAGE_TOO_LARGE");
    expect(tooMany.message).toContain("6500 x 6400");
    // A real picture's header followed by filler to 11 MiB.
    const huge = Buffer.concat([await picture("jpeg"), Buffer.alloc(11 * 1024 * 1024)]);
    await refused(await upload(spuId, uploadForm(huge, "huge.jpg", "image/jpeg")), 413, "PAYLOAD_TOO_LARGE");
    expect(await imagesOf(spuId)).toEqual([]);
    expect(await getDb().select().from(auditLog).where(and(eq(auditLog.spuId, spuId), eq(auditLog.entity, "image")))).toEqual([]);
  });

  it("writes nothing when the transaction fails after the files (the audit row's actor does not exist)", async () => {
    const { spuId } = await makeProduct();
    await expect(addImage(999_999_999, spuId, await picture("png"), { alt: "Never stored", skuId: null })).rejects.toThrow();
    expect(await imagesOf(spuId)).toEqual([]);
    const orphans = await getDb().select({ name: imageFiles.name }).from(imageFiles).leftJoin(productImages, eq(productImages.id, imageFiles.imageId)).where(eq(productImages.alt, "Never stored"));
    expect(orphans).toEqual([]);
  });

  it("checks the form: alt text required, skuId one of the product's variants, a file present, the product existing", async () => {
    const { spuId, skuIds } = await makeProduct(2);
    const other = await makeProduct();
    const png = await picture("png");
    const noAlt = await refused(await upload(spuId, uploadForm(png, "a.png", "image/png", { alt: "  " })), 400, "VALIDATION");
    expect(noAlt.fieldErrors.alt).toBeTruthy();
    const wrongSku = await refused(await upload(spuId, uploadForm(png, "a.png", "image/png", { alt: "x", skuId: String(other.skuIds[0]) })), 400, "VALIDATION");
    expect(wrongSku.fieldErrors.skuId).toBeTruthy();
    const noFile = new FormData();
    noFile.set("alt", "A picture");
    expect((await refused(await upload(spuId, noFile), 400, "VALIDATION")).fieldErrors.file).toBeTruthy();
    await refused(await upload(999_999_999, uploadForm(png, "a.png", "image/png")), 404, "PRODUCT_NOT_FOUND");
    await refused(await upload("abc", uploadForm(png, "a.png", "image/png")), 404, "PRODUCT_NOT_FOUND");
    const json = await uploadRoute(request(`/api/admin/products/${spuId}/images`, { method: "POST", cookie: admin.cookie, body: { alt: "x" } }), ctx({ spuId: String(spuId) }));
    await refused(json, 400, "VALIDATION");
    expect(await imagesOf(spuId)).toEqual([]);

    const variant = await uploaded(await upload(spuId, uploadForm(png, "a.png", "image/png", { alt: "Variant 2 in the light", skuId: String(skuIds[1]) })));
    expect(variant.skuId).toBe(skuIds[1]);
  });
});

describe("reordering and deleting", () => {
  it("puts the pictures in the order given, and refuses a list that is not exactly the product's pictures", async () => {
    const { spuId } = await makeProduct();
    const other = await makeProduct();
    const [a, b, c] = [
      await uploaded(await upload(spuId, uploadForm(await picture("png", 100, 100), "a.png", "image/png", { alt: "A" }))),
      await uploaded(await upload(spuId, uploadForm(await picture("png", 100, 100), "b.png", "image/png", { alt: "B" }))),
      await uploaded(await upload(spuId, uploadForm(await picture("png", 100, 100), "c.png", "image/png", { alt: "C" }))),
    ];
    const theirs = await uploaded(await upload(other.spuId, uploadForm(await picture("png", 100, 100), "d.png", "image/png", { alt: "D" })));
    expect((await listImages(spuId)).map((i) => i.alt)).toEqual(["A", "B", "C"]);

    const res = await reorder(spuId, [c.imageId, a.imageId, b.imageId]);
    expect(res.status).toBe(200);
    expect((await res.json()).images.map((i: ImageView) => i.alt)).toEqual(["C", "A", "B"]);
    expect((await listImages(spuId)).map((i) => i.alt)).toEqual(["C", "A", "B"]);

    for (const order of [[a.imageId, b.imageId], [c.imageId, a.imageId, b.imageId, theirs.imageId], [c.imageId, a.imageId, theirs.imageId], [a.imageId, a.imageId, b.imageId], [], "a,b", [1.5]]) {
      await refused(await reorder(spuId, order), 400, "VALIDATION");
    }
    expect((await listImages(spuId)).map((i) => i.alt)).toEqual(["C", "A", "B"]);
    expect((await listImages(other.spuId)).map((i) => i.alt)).toEqual(["D"]);
    await refused(await reorder(999_999_999, [a.imageId]), 404, "PRODUCT_NOT_FOUND");
    const [audit] = await getDb().select().from(auditLog).where(and(eq(auditLog.spuId, spuId), eq(auditLog.action, "images reordered")));
    expect(JSON.parse(audit!.changes).order).toEqual([[a.imageId, b.imageId, c.imageId], [c.imageId, a.imageId, b.imageId]]);
  });

  it("deletes a picture with its files (then its URLs answer 404), and only from its own product", async () => {
    const { spuId } = await makeProduct();
    const other = await makeProduct();
    const image = await uploaded(await upload(spuId, uploadForm(await picture("jpeg", 900, 600), "a.jpg", "image/jpeg")));
    expect(await filesOf(spuId)).toHaveLength(3);
    await refused(await remove(other.spuId, image.imageId), 404, "IMAGE_NOT_FOUND");
    await refused(await remove(spuId, "x"), 404, "IMAGE_NOT_FOUND");
    expect((await remove(spuId, image.imageId)).status).toBe(204);
    expect(await imagesOf(spuId)).toEqual([]);
    expect(await getDb().select({ name: imageFiles.name }).from(imageFiles).where(eq(imageFiles.imageId, image.imageId))).toEqual([]);
    await refused(await serve(fileName(image.url)), 404, "IMAGE_NOT_FOUND");
    await refused(await remove(spuId, image.imageId), 404, "IMAGE_NOT_FOUND");
    await refused(await remove(999_999_999, image.imageId), 404, "PRODUCT_NOT_FOUND");
    const [audit] = await getDb().select().from(auditLog).where(and(eq(auditLog.entityId, image.imageId), eq(auditLog.action, "image deleted")));
    expect(audit).toMatchObject({ actorId: admin.id, spuId, entity: "image" });
  });

  it("gives a catalog card the product's first own picture, else its first variant's", async () => {
    const withOwn = await makeProduct(1);
    const variantOnly = await makeProduct(1);
    const none = await makeProduct(1);
    const png = await picture("png", 100, 100);
    await uploaded(await upload(withOwn.spuId, uploadForm(png, "v.png", "image/png", { alt: "Variant's", skuId: String(withOwn.skuIds[0]) })));
    await uploaded(await upload(withOwn.spuId, uploadForm(png, "o.png", "image/png", { alt: "Own" })));
    await uploaded(await upload(variantOnly.spuId, uploadForm(png, "v.png", "image/png", { alt: "Only the variant's", skuId: String(variantOnly.skuIds[0]) })));
    const covers = await coverImages([withOwn.spuId, variantOnly.spuId, none.spuId]);
    expect(covers.get(withOwn.spuId)?.alt).toBe("Own");
    expect(covers.get(variantOnly.spuId)?.alt).toBe("Only the variant's");
    expect(covers.has(none.spuId)).toBe(false);
    const all = await imagesOfProducts([withOwn.spuId, variantOnly.spuId, none.spuId]);
    expect(all.get(withOwn.spuId)?.map((i) => i.alt)).toEqual(["Variant's", "Own"]);
    expect(all.get(variantOnly.spuId)?.map((i) => i.alt)).toEqual(["Only the variant's"]);
    expect(all.has(none.spuId)).toBe(false);
  });
});

describe("image routes are for admins only", () => {
  it("answers a guest 401 and a shopper 403 on upload, reorder and delete, and changes nothing", async () => {
    const { spuId } = await makeProduct();
    const image = await uploaded(await upload(spuId, uploadForm(await picture("png", 100, 100), "a.png", "image/png")));
    for (const [who, status, code] of [[null, 401, "UNAUTHENTICATED"], [shopper, 403, "FORBIDDEN"]] as const) {
      await refused(await upload(spuId, uploadForm(await picture("png", 100, 100), "b.png", "image/png"), who), status, code);
      await refused(await reorder(spuId, [image.imageId], who), status, code);
      await refused(await remove(spuId, image.imageId, who), status, code);
    }
    expect((await imagesOf(spuId)).map((i) => i.id)).toEqual([image.imageId]);
    expect(await filesOf(spuId)).toHaveLength(1);
  });
});
