import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import { affectedRows, getDb, type Tx } from "@/db";
import { addresses, users, type Address } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { addressSchema, type AddressInput, type AddressPatch } from "./address-schema";

export { addressSchema, addressPatchSchema, type AddressInput, type AddressPatch } from "./address-schema";

/**
 * A shopper's address book. Orders copy the address they ship to (orders.ship_*), so an edit or a
 * removal here never changes a placed order. Every change runs in one transaction that first
 * locks the owner's `users` row, so two tabs changing one book take turns, and exactly one
 * address stays the default whenever the book is not empty.
 */

export type AddressView = Pick<Address, "id" | "name" | "email" | "phone" | "line1" | "line2" | "city" | "region" | "postcode" | "country" | "isDefault">;
const columns = {
  id: addresses.id,
  name: addresses.name,
  email: addresses.email,
  phone: addresses.phone,
  line1: addresses.line1,
  line2: addresses.line2,
  city: addresses.city,
  region: addresses.region,
  postcode: addresses.postcode,
  country: addresses.country,
  isDefault: addresses.isDefault,
};

/** The default first, then the newest. */
export function listAddresses(userId: number): Promise<AddressView[]> {
  return getDb().select(columns).from(addresses).where(eq(addresses.userId, userId)).orderBy(desc(addresses.isDefault), desc(addresses.id));
}

/** One statement: the named address becomes the default and every other address of the user stops being one. */
const makeDefault = (tx: Tx, userId: number, addressId: number) =>
  tx.update(addresses).set({ isDefault: sql`(${addresses.id} = ${addressId})` }).where(eq(addresses.userId, userId));

function inBook<T>(userId: number, work: (tx: Tx) => Promise<T>): Promise<T> {
  return getDb().transaction(
    async (tx) => {
      await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("update");
      return work(tx);
    },
    { isolationLevel: "read committed" },
  );
}

async function findOwn(tx: Tx, userId: number, addressId: number): Promise<AddressView> {
  const [row] = await tx.select(columns).from(addresses).where(and(eq(addresses.id, addressId), eq(addresses.userId, userId))).limit(1);
  if (!row) throw new AppError("ADDRESS_NOT_FOUND");
  return row;
}

/** A new address; the first one (or any with `isDefault`) becomes the default. */
export function createAddress(userId: number, input: AddressInput, { isDefault = false }: { isDefault?: boolean } = {}): Promise<AddressView> {
  return inBook(userId, async (tx) => {
    const [row] = await tx.insert(addresses).values({ userId, ...input }).$returningId();
    const id = row!.id;
    const [current] = await tx.select({ id: addresses.id }).from(addresses).where(and(eq(addresses.userId, userId), eq(addresses.isDefault, true))).limit(1);
    if (isDefault || !current) await makeDefault(tx, userId, id);
    return findOwn(tx, userId, id);
  });
}

/** Replaces the fields the patch names (the result is validated whole: a new country may need a postcode); someone else's address is a 404. */
export function updateAddress(userId: number, addressId: number, patch: AddressPatch): Promise<AddressView> {
  return inBook(userId, async (tx) => {
    const { id, isDefault: wasDefault, ...saved } = await findOwn(tx, userId, addressId);
    const { isDefault, ...fields } = patch;
    // A ZodError answers VALIDATION with its field errors (lib/web/errors.ts).
    const merged = addressSchema.parse({ ...saved, ...fields });
    await tx.update(addresses).set(merged).where(and(eq(addresses.id, id), eq(addresses.userId, userId)));
    if (isDefault && !wasDefault) await makeDefault(tx, userId, id);
    return findOwn(tx, userId, id);
  });
}

/** Removes an address; if it was the default, the newest one left takes its place. Placed orders keep their copy. */
export function deleteAddress(userId: number, addressId: number): Promise<void> {
  return inBook(userId, async (tx) => {
    const { isDefault } = await findOwn(tx, userId, addressId);
    const removed = await tx.delete(addresses).where(and(eq(addresses.id, addressId), eq(addresses.userId, userId)));
    if (affectedRows(removed) !== 1) throw new AppError("ADDRESS_NOT_FOUND");
    if (!isDefault) return;
    const [next] = await tx.select({ id: addresses.id }).from(addresses).where(eq(addresses.userId, userId)).orderBy(desc(addresses.id)).limit(1);
    if (next) await makeDefault(tx, userId, next.id);
  });
}
