/**
 * The orders list's cursor: the (created_at, id) of the last order a page showed, opaque to the
 * caller. Keyset paging on that pair (newest first) is stable under new orders: they sort before
 * every cursor already given out, so paging on never shows an order twice or skips one.
 */
export type OrderCursor = { createdAt: Date; id: string };

const SHAPE = /^(\d{1,15})\.([0-9A-HJKMNP-TV-Z]{26})$/;

export const encodeCursor = ({ createdAt, id }: OrderCursor) => Buffer.from(`${createdAt.getTime()}.${id}`).toString("base64url");

/** null for anything this list did not give out. */
export function decodeCursor(cursor: string): OrderCursor | null {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(cursor)) return null;
  const m = SHAPE.exec(Buffer.from(cursor, "base64url").toString());
  if (!m) return null;
  const createdAt = new Date(Number(m[1]));
  return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id: m[2]! };
}
