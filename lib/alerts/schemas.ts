import { z } from "zod";
import { optionalEmail } from "@/lib/auth/schemas";

/** "Notify me" as sent by the API and the product page's form. No "server-only": pure. */

export const subscribeSchema = z.object({
  skuId: z.coerce.number({ error: "skuId must be a number." }).int().positive().max(2 ** 53 - 1),
  email: optionalEmail,
});

export type SubscribeInput = z.output<typeof subscribeSchema>;

/** `GET /api/admin/stock-alerts?skuId=`: one variant's counts, or every variant with any. */
export const alertCountsSchema = z.object({ skuId: z.coerce.number().int().positive().max(2 ** 53 - 1).optional() });
