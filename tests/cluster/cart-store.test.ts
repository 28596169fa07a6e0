import { randomBytes } from "node:crypto";
import { Cluster } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { type Owner, addLine, CART_SCRIPTS, cartKeys, guestOwner, mergeCarts, readLines, removeLine, selectAll, takeBoughtLines, updateLine, userOwner } from "@/lib/cart/store";
import { closeRedis, getRedis } from "@/lib/platform/redis";
import { runScript } from "@/lib/platform/redis-script";

/**
 * Every multi-key cart operation, through the real store. `npm run test:cluster` runs this file
 * on the rig's 3-master Redis Cluster (REDIS_CLUSTER_NODES), where a MULTI or script touching two
 * hash slots fails with CROSSSLOT; `npm test` runs it on a single Redis, where the same code must
 * behave the same.
 */
const onCluster = Boolean(process.env.REDIS_CLUSTER_NODES);
const userId = () => 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
const guestId = () => randomBytes(12).toString("hex");
// Every key a guest cart and its merge claim can leave (KEYS would ask one random cluster node).
const guestKeysLeft = (guest: Owner) => {
  const base = `cart:{${guest}}`;
  return getRedis().exists(base, `${base}:selected`, `${base}:rev`, `${base}:merging`, `${base}:merging:selected`, `${base}:merging:id`);
};

afterAll(() => closeRedis());

describe(`cart store on ${onCluster ? "Redis Cluster" : "a single Redis"}`, () => {
  it("talks to the configured kind of Redis", async () => {
    expect(getRedis() instanceof Cluster).toBe(onCluster);
    await getRedis().ping();
    if (!onCluster) return;
    const masters = (await (getRedis() as Cluster).nodes("master")).length;
    expect(masters).toBeGreaterThanOrEqual(3);
  });

  it("adds, updates, selects all, removes and reads lines of one owner", async () => {
    const owner = userOwner(userId());
    expect(await addLine(owner, 11, 2)).toBe(2);
    expect(await addLine(owner, 11, 200)).toBe(99); // capped
    expect(await addLine(owner, 12, 1)).toBe(1);
    expect(await updateLine(owner, 12, { count: 5, selected: false })).toBe(true);
    expect(await updateLine(owner, 13, { count: 1 })).toBe(false);
    expect(await readLines(owner)).toEqual([
      { skuId: 11, count: 99, selected: true },
      { skuId: 12, count: 5, selected: false },
    ]);
    await selectAll(owner, true);
    expect((await readLines(owner)).every((l) => l.selected)).toBe(true);
    await selectAll(owner, false);
    expect((await readLines(owner)).some((l) => l.selected)).toBe(false);
    expect(await removeLine(owner, 11)).toBe(true);
    expect(await removeLine(owner, 11)).toBe(false);
    expect(await readLines(owner)).toEqual([{ skuId: 12, count: 5, selected: false }]);
  });

  it("keeps a guest cart's TTL on every write", async () => {
    const owner = guestOwner(guestId());
    await addLine(owner, 21, 1);
    await updateLine(owner, 21, { selected: false });
    await selectAll(owner, true);
    const k = cartKeys(owner);
    expect(await getRedis().ttl(k.items)).toBeGreaterThan(29 * 86_400);
    expect(await getRedis().ttl(k.selected)).toBeGreaterThan(29 * 86_400);
  });

  it("takes bought lines off after an order, keeping what was added meanwhile", async () => {
    const owner = userOwner(userId());
    await addLine(owner, 31, 3);
    await addLine(owner, 32, 2);
    await addLine(owner, 33, 1);
    await updateLine(owner, 33, { selected: false });
    const bought = [
      { skuId: 31, count: 3 },
      { skuId: 32, count: 1 },
    ];
    await takeBoughtLines(owner, "01ORDERA", bought);
    const after = [
      { skuId: 32, count: 1, selected: false },
      { skuId: 33, count: 1, selected: false },
    ];
    expect(await readLines(owner)).toEqual(after);
    // The same order's cleanup again (a retry, or two readers finishing a flagged cleanup) takes nothing more.
    await takeBoughtLines(owner, "01ORDERA", bought);
    expect(await readLines(owner)).toEqual(after);
  });

  it("merges a guest cart into a user's cart across hash slots and deletes it", async () => {
    const guest = guestOwner(guestId());
    const user = userOwner(userId());
    await addLine(guest, 41, 2);
    await addLine(guest, 42, 90);
    await updateLine(guest, 41, { selected: false });
    await addLine(user, 42, 20);
    await addLine(user, 43, 1);
    await updateLine(user, 43, { selected: false });

    if (onCluster) {
      // The old single MULTI over both carts is refused by the cluster: the test is real.
      const g = cartKeys(guest);
      const u = cartKeys(user);
      await expect(getRedis().multi().del(g.items).del(u.items).exec()).rejects.toThrow(/CROSSSLOT|slot/i);
    }

    await mergeCarts(guest, user);
    expect(await readLines(user)).toEqual([
      { skuId: 41, count: 2, selected: false },
      { skuId: 42, count: 99, selected: true },
      { skuId: 43, count: 1, selected: false },
    ]);
    expect(await readLines(guest)).toEqual([]);
    expect(await guestKeysLeft(guest)).toBe(0);
    // Merging again (a second login with the same cookie) adds nothing.
    await mergeCarts(guest, user);
    expect((await readLines(user)).find((l) => l.skuId === 42)!.count).toBe(99);
  });

  it("finishes a merge that failed half-way exactly once, into the user it was meant for", async () => {
    const guest = guestOwner(guestId());
    const meant = userOwner(userId());
    const other = userOwner(userId());
    await addLine(guest, 51, 3);
    // Steps 1 and 2 ran (claim taken, lines added to `meant`), then the process died before 3.
    const r = getRedis();
    const g = cartKeys(guest);
    const claim = { items: `cart:{${guest}}:merging`, selected: `cart:{${guest}}:merging:selected`, id: `cart:{${guest}}:merging:id` };
    const claimId = `deadbeef>${meant}`;
    const claimed = await runScript(r, CART_SCRIPTS.cartClaim, g.items, g.selected, claim.items, claim.selected, claim.id, g.revision, claimId, 3600);
    expect(claimed?.[0]).toBe(claimId);
    const m = cartKeys(meant);
    expect(await runScript(r, CART_SCRIPTS.cartMergeClaim, m.items, m.selected, m.revision, `cart:{${meant}}:merged:${guest}:deadbeef`, 3600, 99, "revision-1", "51", "3", "1")).toBe(1);
    // The guest adds another line, then logs in as someone else.
    await addLine(guest, 52, 1);
    await mergeCarts(guest, other);
    expect(await readLines(meant)).toEqual([{ skuId: 51, count: 3, selected: true }]);
    expect(await readLines(other)).toEqual([{ skuId: 52, count: 1, selected: true }]);
    expect(await guestKeysLeft(guest)).toBe(0);
  });

  it("merges concurrently with the guest still adding, losing and doubling nothing", async () => {
    const guest = guestOwner(guestId());
    const user = userOwner(userId());
    await addLine(guest, 61, 1);
    // 20 adds of one unit race two merges (two logins); every unit ends up counted exactly once.
    const adds = Array.from({ length: 20 }, () => addLine(guest, 62, 1));
    await Promise.all([...adds, mergeCarts(guest, user), mergeCarts(guest, user)]);
    await mergeCarts(guest, user);
    const lines = [...(await readLines(user)), ...(await readLines(guest))];
    const total = (sku: number) => lines.filter((l) => l.skuId === sku).reduce((n, l) => n + l.count, 0);
    expect(total(61)).toBe(1);
    expect(total(62)).toBe(20);
  });
});
