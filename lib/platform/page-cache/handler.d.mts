export declare const PAGE_MAX_AGE_MS: number;
export declare const CATALOG_CHANNEL: string;
export declare const PAGE_CACHE_ENTRIES: number;
export declare function pageCacheState(): { changedAt: number };
export declare function markCatalogChanged(at?: number): void;

type CacheControl = { revalidate?: number | false };
type Store = { entries: Map<string, unknown>; misses: Map<string, number> };
export declare function newStore(): Store;

export default class PageCache {
  constructor(options?: unknown, deps?: { clock?: () => number; store?: Store });
  get(key: string): Promise<{ value: unknown; lastModified: number } | null>;
  set(key: string, value: unknown, ctx?: { cacheControl?: CacheControl }): Promise<void>;
  revalidateTag(): Promise<void>;
  resetRequestCache(): void;
}
