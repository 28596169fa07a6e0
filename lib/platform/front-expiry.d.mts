export declare function accelExpires(cacheControl: unknown, nowMs?: number): string | null;
export declare function stampFrontExpiry(): void;
