/**
 * Runs `listener` first on every request of every HTTP server this process creates from now on
 * (`next start` creates its server with http.createServer). The launcher's stamps (peer address,
 * front expiry) go through it. Idempotent per listener. Plain .mjs: the launcher loads it without a build.
 */
import http from "node:http";

const listeners = new Set();

export function onEveryRequest(listener) {
  if (listeners.size === 0) {
    const createServer = http.createServer;
    http.createServer = function createServerWithStamps(...args) {
      const server = createServer.apply(this, args);
      // Prepended in reverse, so they run in the order they were added, before the app's own listener.
      for (const l of [...listeners].reverse()) server.prependListener("request", l);
      return server;
    };
  }
  listeners.add(listener);
}
