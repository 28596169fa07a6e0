import { z } from "zod";
import { MAX_LINE_QTY } from "./limits";

// Strict numbers: "3" or 1.5 in JSON is a client bug worth a 400, not something to guess at.
const lineCount = z
  .number({ error: "Quantity must be a number." })
  .int("Quantity must be a whole number.")
  .min(1, "Quantity must be at least 1.")
  .max(MAX_LINE_QTY, `Quantity can be at most ${MAX_LINE_QTY}.`);

const skuId = z.number({ error: "skuId must be a number." }).int().positive().max(Number.MAX_SAFE_INTEGER);

export const addItemSchema = z.object({ skuId, count: lineCount.default(1) });

export const updateItemSchema = z
  .object({ count: lineCount.optional(), selected: z.boolean({ error: "selected must be true or false." }).optional() })
  .refine((v) => v.count !== undefined || v.selected !== undefined, "Send count, selected or both.");

export const selectionSchema = z.object({ selected: z.boolean({ error: "selected must be true or false." }) });

export type AddItem = z.infer<typeof addItemSchema>;
export type UpdateItem = z.infer<typeof updateItemSchema>;
