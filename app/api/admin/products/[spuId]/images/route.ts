import { NextResponse } from "next/server";
import { MAX_UPLOAD_BODY_BYTES } from "@/lib/images/limits";
import { reorderSchema, uploadFieldsSchema } from "@/lib/images/schemas";
import { addImage, reorderImages } from "@/lib/images/service";
import { idParam, parseWith, readJson, requireAdmin, route } from "@/lib/web/http";
import { formFields, formFile, readMultipart } from "@/lib/web/multipart";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ spuId: string }> };

/**
 * multipart/form-data `file` (JPEG, PNG, WebP or AVIF, at most 10 MiB and 40 megapixels), `alt`,
 * optional `skuId` -> `201 { image }`. The only route that takes a body over 64 KiB (the front
 * allows it here alone).
 */
export const POST = route<Ctx>(async (req, { params }) => {
  const admin = await requireAdmin(req);
  const spuId = idParam((await params).spuId, "PRODUCT_NOT_FOUND");
  const form = await readMultipart(req, MAX_UPLOAD_BODY_BYTES);
  const fields = parseWith(uploadFieldsSchema, formFields(form));
  const image = await addImage(admin.id, spuId, await formFile(form, "file"), fields);
  return NextResponse.json({ image }, { status: 201 });
});

/** `{ order: [imageId, …] }`, every image of the product once -> `200 { images }` in the new order. */
export const PUT = route<Ctx>(async (req, { params }) => {
  const admin = await requireAdmin(req);
  const spuId = idParam((await params).spuId, "PRODUCT_NOT_FOUND");
  const input = await readJson(req, reorderSchema);
  return NextResponse.json({ images: await reorderImages(admin.id, spuId, input) });
});
