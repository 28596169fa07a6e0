import { z } from "zod";

/** "Notify me" as sent by the API and the product page's form. No "server-only": pure. */

const email = z
  .string({ error: "E-mail must be text." })
  .trim()
  .max(254, "E-mail must be at most 254 characters.")
  .transform((e) => e.toLowerCase())
  // Empty is "use my account's", for a signed-in shopper; z.email refuses CR/LF and anything else that could end a header.
  .pipe(z.union([z.literal(""), z.email("Enter an e-mail address like name@example.com.")]))
  .optional()
  .transform((e) => e || undefined);

export const subscribeSchema = z.object({
  skuId: z.coerce.number({ error: "skuId must be a number." }).int().positive().max(2 ** 53 - 1),
  email,
});

export type SubscribeInput = z.output<typeof subscribeSchema>;

/** `GET /api/admin/stock-alerts?skuId=`: one variant's counts, or every variant with any. */
export const alertCountsSchema = z.object({ skuId: z.coerce.number().int().positive().max(2 ** 53 - 1).optional() });
