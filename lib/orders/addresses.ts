import "server-only";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db";
import { addresses, type Address } from "@/db/schema";

const text = (label: string, max: number) =>
  z.string({ error: `${label} is required.` }).trim().min(1, `${label} is required.`).max(max, `${label} must be at most ${max} characters.`);

export const addressSchema = z.object({
  receiver: text("Receiver", 64),
  phone: z
    .string({ error: "Phone is required." })
    .trim()
    .regex(/^\+?[0-9][0-9 ()-]{4,30}$/, "Phone must be 5-31 digits, spaces, ( ) or -."),
  region: text("Region", 128),
  detail: text("Street address", 255),
});
export type AddressInput = z.infer<typeof addressSchema>;

export type AddressView = Pick<Address, "id" | "receiver" | "phone" | "region" | "detail">;
const columns = { id: addresses.id, receiver: addresses.receiver, phone: addresses.phone, region: addresses.region, detail: addresses.detail };

export function listAddresses(userId: number): Promise<AddressView[]> {
  return getDb().select(columns).from(addresses).where(eq(addresses.userId, userId)).orderBy(desc(addresses.id));
}

export async function createAddress(userId: number, input: AddressInput): Promise<AddressView> {
  const [row] = await getDb().insert(addresses).values({ userId, ...input }).$returningId();
  return { id: row!.id, ...input };
}
