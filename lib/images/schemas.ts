import { z } from "zod";
import { MAX_ALT_LENGTH } from "./limits";

const ALT_PROBLEM = "Describe the picture in a few words (what a shopper who cannot see it should hear), e.g. “Olive sneaker seen from the side”.";

/** Alt text: what a screen reader says in place of the picture. */
export const altText = z
  .string({ error: ALT_PROBLEM })
  .trim()
  .min(1, ALT_PROBLEM)
  .refine((s) => [...s].length <= MAX_ALT_LENGTH, `Alt text can be at most ${MAX_ALT_LENGTH} characters.`);

const SKU_PROBLEM = "skuId must be the id of one of this product's variants, or left out for a picture of the whole product.";

/** The upload form's text fields (multipart: every value a string): `alt`, and `skuId` for a variant's picture. */
export const uploadFieldsSchema = z.object({
  alt: altText,
  skuId: z
    .string({ error: SKU_PROBLEM })
    .trim()
    .regex(/^(|[1-9]\d{0,15})$/, SKU_PROBLEM)
    .transform((s) => (s === "" ? null : Number(s)))
    .optional()
    .transform((v) => v ?? null),
});
export type UploadFields = z.infer<typeof uploadFieldsSchema>;

const imageId = z.number({ error: "order must list image ids (whole numbers)." }).int("order must list image ids (whole numbers).").min(1, "order must list image ids (whole numbers).");

/** `PUT /api/admin/products/:spuId/images`: every image of the product, once each, in the order shoppers see them. */
export const reorderSchema = z.object({
  order: z
    .array(imageId, { error: "order must be a list of the product's image ids." })
    .min(1, "order must list the product's images.")
    .max(500, "order can list at most 500 images.")
    .refine((ids) => new Set(ids).size === ids.length, "order lists an image twice."),
});
export type ReorderInput = z.infer<typeof reorderSchema>;
