import "server-only";

/**
 * The server's clock as a page renders (once per request): what the page's countdowns start from,
 * so they never depend on the shopper's clock. A function, so pages read it as data.
 */
export const serverNow = () => Date.now();
