import { z } from "zod";
import { AppError } from "@/lib/errors";

// Bound arguments come from the client like any other input: a server action is a public endpoint.
const idSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A bound id, or the room's "not found" refusal: a forged one never reaches a service. */
export function idOf(value: unknown, notFound: "SKU_NOT_FOUND" | "LOCATION_NOT_FOUND"): number {
  const parsed = idSchema.safeParse(value);
  if (!parsed.success) throw new AppError(notFound);
  return parsed.data;
}
