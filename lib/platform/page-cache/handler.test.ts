import { describe, expect, it } from "vitest";
import PageCache, { markCatalogChanged, newStore, PAGE_CACHE_ENTRIES, PAGE_MAX_AGE_MS } from "./handler.mjs";

let hoursAhead = 0;

/** A handler with a store and a clock of its own, an hour past any change an earlier test marked. */
function cacheAt() {
  let now = Date.now() + ++hoursAhead * 3_600_000;
  const cache = new PageCache(undefined, { clock: () => now, store: newStore() });
  return { cache, tick: (ms: number) => (now += ms), now: () => now };
}

const page = { kind: "APP_PAGE", html: "<p>hi</p>" };
const everySecond = { cacheControl: { revalidate: 1 } };

describe("page cache", () => {
  it("serves a rendered page until it is PAGE_MAX_AGE_MS old, then asks for a new render", async () => {
    const { cache, tick } = cacheAt();
    expect(await cache.get("/p/1")).toBeNull();
    await cache.set("/p/1", page, everySecond);
    tick(PAGE_MAX_AGE_MS - 1);
    expect((await cache.get("/p/1"))?.value).toBe(page);
    tick(1);
    expect(await cache.get("/p/1")).toBeNull();
  });

  it("dates a page from the miss that asked for it, not from when its render finished", async () => {
    const { cache, tick, now } = cacheAt();
    const askedAt = now();
    expect(await cache.get("/p/1")).toBeNull();
    tick(300); // the render takes 300 ms
    await cache.set("/p/1", page, everySecond);
    expect((await cache.get("/p/1"))?.lastModified).toBe(askedAt);
    tick(PAGE_MAX_AGE_MS - 300);
    expect(await cache.get("/p/1")).toBeNull();
  });

  it("drops every page rendered before a catalog change, including one whose render was under way", async () => {
    const { cache, tick, now } = cacheAt();
    await cache.get("/p/1");
    await cache.set("/p/1", page, everySecond);
    await cache.get("/p/2"); // its render reads the database now...
    tick(10);
    markCatalogChanged(now()); // ...an admin's change commits...
    tick(10);
    await cache.set("/p/2", page, everySecond); // ...and the render finishes after it
    expect(await cache.get("/p/1")).toBeNull();
    expect(await cache.get("/p/2")).toBeNull();
    tick(1);
    await cache.set("/p/2", page, everySecond); // rendered after the change: served
    expect((await cache.get("/p/2"))?.value).toBe(page);
  });

  it("keeps at most PAGE_CACHE_ENTRIES pages, dropping the least recently used", async () => {
    const { cache } = cacheAt();
    for (let i = 0; i <= PAGE_CACHE_ENTRIES; i++) await cache.set(`/p/${i}`, page, everySecond);
    expect(await cache.get("/p/0")).toBeNull();
    expect((await cache.get("/p/1"))?.value).toBe(page);
    expect((await cache.get(`/p/${PAGE_CACHE_ENTRIES}`))?.value).toBe(page);
  });
});
