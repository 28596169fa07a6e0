import { deleteImage } from "@/lib/images/service";
import { idParam, requireAdmin, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ spuId: string; imageId: string }> };

/** Deletes a picture and its stored files -> 204. */
export const DELETE = route<Ctx>(async (req, { params }) => {
  const admin = await requireAdmin(req);
  const { spuId, imageId } = await params;
  await deleteImage(admin.id, idParam(spuId, "PRODUCT_NOT_FOUND"), idParam(imageId, "IMAGE_NOT_FOUND"));
  return new Response(null, { status: 204 });
});
