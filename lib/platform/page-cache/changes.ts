import "server-only";
import { Cluster } from "ioredis";
import { log } from "@/lib/platform/log";
import { getRedis } from "@/lib/platform/redis";
import { CATALOG_CHANNEL as CHANNEL, markCatalogChanged } from "./handler.mjs";

// One channel for the whole shop: admin changes are rare, and re-rendering every public page once
// is cheaper than tracking which pages show which SKU.
/**
 * After an admin change to what public pages show (price, name, on sale, limit, launch time): this
 * process stops serving pages rendered before it at once, the others as soon as Redis tells them.
 * If Redis cannot tell them, their pages still age out within PAGE_MAX_AGE_MS.
 */
export async function catalogChanged(): Promise<void> {
  markCatalogChanged();
  try {
    await getRedis().publish(CHANNEL, String(process.pid));
  } catch (err) {
    log.warn({ err }, "could not tell other processes about a catalog change; their pages age out within a second");
  }
}

/** Every server process listens once, on a connection of its own (a subscribed connection can do nothing else). */
export function listenForCatalogChanges() {
  const client = getRedis();
  // One call, written twice: TypeScript cannot call `duplicate` on the Redis | Cluster union (their
  // signatures differ), so each branch narrows it to one type. The subscriber is the same kind as the client.
  const subscriber = client instanceof Cluster ? client.duplicate() : client.duplicate();
  subscriber.on("error", () => {});
  subscriber.on("message", () => markCatalogChanged());
  // On every (re)connection: subscribe again (a repeated SUBSCRIBE is harmless), and assume a
  // change was published while the connection was down.
  subscriber.on("ready", () => {
    markCatalogChanged();
    subscriber.subscribe(CHANNEL).catch((err: unknown) => log.warn({ err }, "not subscribed to catalog changes; pages age out within a second"));
  });
}
