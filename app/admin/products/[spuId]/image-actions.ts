"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { reorderSchema } from "@/lib/images/schemas";
import { deleteImage, listImages, reorderImages } from "@/lib/images/service";
import type { ImageView } from "@/lib/images/urls";
import { asUser, type ActionState } from "@/lib/web/action";

// Uploads are not a server action: an action posts to the page's URL, whose body the front (and
// Next's own 1 MB action limit) keeps small. ImageManager sends the file to
// POST /api/admin/products/:spuId/images, the one route the front lets 10 MiB through.

/** Ids come from the browser: whole numbers from 1, or the action is refused as VALIDATION. */
const id = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** Puts the product's pictures in `order` (every image id once); answers the list as stored. */
export async function reorderImagesAction(spuId: number, order: number[]): Promise<Exclude<ActionState<ImageView[]>, null>> {
  const result = await asUser((admin) => reorderImages(admin.id, id.parse(spuId), reorderSchema.parse({ order })), { role: "admin" });
  if (result.ok) revalidatePath(`/admin/products/${spuId}`);
  return result;
}

/** Deletes one picture and its files; answers the pictures left. */
export async function deleteImageAction(spuId: number, imageId: number): Promise<Exclude<ActionState<ImageView[]>, null>> {
  const result = await asUser(
    async (admin) => {
      await deleteImage(admin.id, id.parse(spuId), id.parse(imageId));
      return listImages(spuId);
    },
    { role: "admin" },
  );
  if (result.ok) revalidatePath(`/admin/products/${spuId}`);
  return result;
}
