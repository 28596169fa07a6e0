/**
 * The one request header the app believes about where a connection comes from. The launcher
 * (scripts/start.mjs) stamps it on every request from the TCP socket, overwriting any copy a
 * client sent, before Next.js sees the request: Next.js 16 gives route handlers and server actions
 * no socket address (it only fills `X-Forwarded-For` from the socket when the client sent none).
 * lib/auth/client-address.ts reads it. Plain .mjs: the launcher loads it without a build.
 */
import { onEveryRequest } from "./every-request.mjs";

export const PEER_ADDRESS_HEADER = "x-stockroom-peer-address";

/** "::ffff:127.0.0.1" is 127.0.0.1: one address, one throttle bucket, whichever way it connected. */
export function normalizeAddress(address) {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

function stamp(req) {
  req.headers[PEER_ADDRESS_HEADER] = normalizeAddress(req.socket?.remoteAddress ?? "");
}

/**
 * Every HTTP server this process creates from now on stamps the header before its own request
 * listener runs (`next start` creates its server with http.createServer). Idempotent.
 */
export function stampPeerAddresses() {
  onEveryRequest(stamp);
}
