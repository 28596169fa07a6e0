// Next.js's response cache for this process (next.config.mjs `cacheHandler`): rendered public
// pages kept in memory, each for at most PAGE_MAX_AGE_MS, and dropped at once when the catalog
// changes (lib/platform/page-cache/changes.ts tells every process through Redis). Plain JavaScript:
// Next.js imports this file at run time, outside its bundles.

/** The longest any process serves a rendered page, whether or not it heard of a change. */
export const PAGE_MAX_AGE_MS = 1000;
/** Rendered pages kept per process; the least recently used goes first. */
export const PAGE_CACHE_ENTRIES = 500;

/** The Redis channel every server process listens on for catalog changes (lib/platform/page-cache/changes.ts). */
export const CATALOG_CHANNEL = "{stockroom}:catalog-changed";

const STATE = Symbol.for("stockroom.pageCache");

/**
 * What this process knows of catalog changes, shared with the app's modules through globalThis
 * (Next.js loads this file and the app's bundles as separate module graphs).
 */
export function pageCacheState() {
  return (globalThis[STATE] ??= { changedAt: 0 });
}

/** Every page rendered from data read before now is out of date. */
export function markCatalogChanged(at = Date.now()) {
  const state = pageCacheState();
  state.changedAt = Math.max(state.changedAt, at);
}

/**
 * The pages themselves, one store per process: Next.js makes a handler per request.
 * `entries`: key -> { value, asOf, expires }, least recently used first. `misses`: key -> when
 * the first render still owed for it was asked for; the page's data is read after that moment,
 * so it is the page's age, and a change that lands mid-render makes the page stale.
 */
export const newStore = () => ({ entries: new Map(), misses: new Map() });
const processStore = newStore();

export default class PageCache {
  constructor(_options, { clock = () => Date.now(), store = processStore } = {}) {
    this.now = clock;
    this.entries = store.entries;
    this.misses = store.misses;
  }

  async get(key) {
    const now = this.now();
    const entry = this.entries.get(key);
    if (entry && now < entry.expires && entry.asOf >= pageCacheState().changedAt) {
      // Touch: most recently used last.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return { value: entry.value, lastModified: entry.asOf };
    }
    if (entry) this.entries.delete(key);
    if (!this.misses.has(key)) {
      if (this.misses.size >= PAGE_CACHE_ENTRIES) this.misses.clear();
      this.misses.set(key, now);
    }
    return null;
  }

  async set(key, value, ctx) {
    const asOf = this.misses.get(key) ?? this.now();
    this.misses.delete(key);
    this.entries.delete(key);
    if (value === null) return;
    const revalidate = ctx?.cacheControl?.revalidate;
    const maxAge = typeof revalidate === "number" ? Math.min(PAGE_MAX_AGE_MS, revalidate * 1000) : PAGE_MAX_AGE_MS;
    this.entries.set(key, { value, asOf, expires: asOf + maxAge });
    if (this.entries.size > PAGE_CACHE_ENTRIES) this.entries.delete(this.entries.keys().next().value);
  }

  async revalidateTag() {
    // revalidatePath/revalidateTag from this process: every public page may show what changed.
    markCatalogChanged(this.now());
  }

  resetRequestCache() {}
}
