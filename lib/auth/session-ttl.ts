// No "server-only": `npm run admin:create` says how long an ended session may linger.

/** How long a session lasts from login. */
export const SESSION_DAYS = 30;

/** How long Redis keeps a copy of a session read (lib/auth/session.ts). */
export const SESSION_CACHE_MS = 30_000;
