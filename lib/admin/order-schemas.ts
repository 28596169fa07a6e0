import { z } from "zod";
import { ORDER_STATUSES } from "@/db/schema";
import { decodeCursor } from "./order-cursor";

/**
 * The orders room's input, shared by the API (`/api/admin/orders…`) and the console's pages and
 * actions. Empty query parameters count as absent, so a form's blank field filters nothing.
 */

const blankIsAbsent = (v: unknown) => (v === "" || v === null ? undefined : v);

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A day (`2026-05-01`, UTC) or an instant (ISO 8601). `end`: a bare day means through its last moment. */
const instant = (end: boolean) =>
  z.preprocess(
    blankIsAbsent,
    z
      .string()
      .max(40)
      .refine((v) => !Number.isNaN(Date.parse(v)) && (DAY.test(v) || /^\d{4}-\d{2}-\d{2}T/.test(v)), "Use a date like 2026-05-01 or an ISO time.")
      .transform((v) => (DAY.test(v) && end ? new Date(Date.parse(v) + 86_400_000 - 1) : new Date(v)))
      .optional(),
  );

export const ORDER_PAGE_DEFAULT = 50;
export const ORDER_PAGE_MAX = 100;

export const orderListSchema = z
  .object({
    q: z.preprocess(blankIsAbsent, z.string().trim().max(100, "Search for at most 100 characters.").optional()),
    status: z.preprocess(blankIsAbsent, z.enum(ORDER_STATUSES, { error: `status must be one of ${ORDER_STATUSES.join(", ")}.` }).optional()),
    from: instant(false),
    to: instant(true),
    cursor: z.preprocess(
      blankIsAbsent,
      z
        .string()
        .max(80)
        .transform((v, ctx) => {
          const at = decodeCursor(v);
          if (!at) ctx.addIssue({ code: "custom", message: "cursor is not one this list gave out." });
          return at ?? z.NEVER;
        })
        .optional(),
    ),
    limit: z.preprocess(
      blankIsAbsent,
      z.coerce
        .number({ error: `limit must be a whole number from 1 to ${ORDER_PAGE_MAX}.` })
        .int(`limit must be a whole number from 1 to ${ORDER_PAGE_MAX}.`)
        .min(1, `limit must be a whole number from 1 to ${ORDER_PAGE_MAX}.`)
        .max(ORDER_PAGE_MAX, `limit must be a whole number from 1 to ${ORDER_PAGE_MAX}.`)
        .default(ORDER_PAGE_DEFAULT),
    ),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ["to"], message: "The range ends before it starts." });

export type OrderListFilter = z.infer<typeof orderListSchema>;

const optionalText = (name: string) =>
  z.preprocess(
    (v) => (typeof v === "string" ? v.trim() || undefined : blankIsAbsent(v)),
    z.string({ error: `${name} must be text.` }).max(64, `${name} has at most 64 characters.`).optional(),
  );

export const shipSchema = z.object({ carrier: optionalText("carrier"), trackingNumber: optionalText("trackingNumber") });
export type ShipInput = z.infer<typeof shipSchema>;

export const BULK_MAX = 100;
export const bulkShipSchema = z.object({
  orderIds: z
    .array(z.string({ error: "orderIds holds order ids." }).max(40), { error: "Send orderIds: a list of order ids." })
    .min(1, "Select at least one order.")
    .max(BULK_MAX, `Ship at most ${BULK_MAX} orders at once.`),
});
