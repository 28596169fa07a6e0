import "server-only";

/**
 * The server's clock as a page renders: what the page's countdowns start from, so they never depend
 * on the shopper's clock. A cached page may be served up to a second later, so this is behind the
 * clock, never ahead (a countdown ends late, never early). A function, so pages read it as data.
 */
export const serverNow = () => Date.now();
