import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import { getDb, type Tx } from "@/db";
import { AUDIT_ENTITIES, auditLog, users } from "@/db/schema";

/**
 * The catalog's history: one `audit_log` row per change (product, variant, price, status, image),
 * written by the service that makes the change, in its transaction, so a change and its record
 * commit or roll back together. Shown at the bottom of a product's page in the console.
 */

export type AuditEntity = (typeof AUDIT_ENTITIES)[number];
/** `{ field: [before, after] }` for a change; `{ field: value }` for a creation. Values as the API writes them. */
export type AuditChanges = Record<string, unknown>;

export type AuditEntry = {
  actorId: number;
  entity: AuditEntity;
  entityId: number;
  /** The product the change belongs to. */
  spuId: number;
  /** Short and readable: "created", "updated", "price changed", "published", "archived", "image added". */
  action: string;
  changes: AuditChanges;
};

export type AuditView = {
  id: number;
  actor: string;
  entity: AuditEntity;
  entityId: number;
  action: string;
  changes: AuditChanges;
  /** ISO 8601, UTC. */
  createdAt: string;
};

/**
 * Locks the acting admin's `users` row in share mode. Call it first in a catalog transaction:
 * the audit row's foreign key takes this same lock at insert, and taking it first keeps the
 * shop's lock order (users -> skus -> sku_locations) whatever the transaction locks in between.
 */
export async function lockActor(tx: Tx, actorId: number): Promise<void> {
  // LOCK IN SHARE MODE, not FOR SHARE: MariaDB 10.11 has only the older spelling.
  await tx.execute(sql`SELECT id FROM users WHERE id = ${actorId} LOCK IN SHARE MODE`);
}

/** Writes one history row inside the caller's transaction. */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  const { changes, ...row } = entry;
  await tx.insert(auditLog).values({ ...row, changes: JSON.stringify(changes) });
}

/**
 * `{ field: [before, after] }` for the fields of `after` whose value differs from `before`
 * (dates compared as ISO strings); empty when nothing changed.
 */
export function diff<T extends Record<string, unknown>>(before: T, after: Partial<T>): AuditChanges {
  const changes: AuditChanges = {};
  const plain = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));
  for (const [field, value] of Object.entries(after)) {
    if (value === undefined) continue;
    const was = plain(before[field]);
    const now = plain(value);
    if (was !== now) changes[field] = [was, now];
  }
  return changes;
}

/** A product's history, newest first (at most `limit` rows). */
export async function productHistory(spuId: number, limit = 100): Promise<AuditView[]> {
  const rows = await getDb()
    .select({
      id: auditLog.id,
      actor: users.username,
      entity: auditLog.entity,
      entityId: auditLog.entityId,
      action: auditLog.action,
      changes: auditLog.changes,
      createdAt: auditLog.createdAt,
    })
    .from(auditLog)
    .innerJoin(users, eq(users.id, auditLog.actorId))
    .where(eq(auditLog.spuId, spuId))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, changes: parseChanges(r.changes), createdAt: r.createdAt.toISOString() }));
}

function parseChanges(text: string): AuditChanges {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as AuditChanges) : {};
  } catch {
    return {};
  }
}

