import "server-only";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { normalizeAddress, PEER_ADDRESS_HEADER } from "@/lib/platform/peer-address.mjs";

let warnedNoPeer = false;

/**
 * The client's address for per-address throttling, or null when it cannot be known.
 *
 * Only two sources are believed: the TCP peer, stamped by the launcher from the socket into a
 * header it overwrites on every request (lib/platform/peer-address.mjs), and, behind
 * `trustedHops` proxies, the X-Forwarded-For entry the outermost trusted proxy wrote. The chain
 * is the X-Forwarded-For entries followed by the peer; each trusted hop is one entry from the
 * right, so with 0 hops the peer is the client and X-Forwarded-For is ignored, and with 1 (the
 * front, which overwrites X-Forwarded-For with the address it saw) the entry before the peer is.
 * A client can prepend what it likes; it can never change the entries right of the trusted ones.
 *
 * Null (no peer header: the app runs under `next dev` or a server other than scripts/start.mjs)
 * means the caller throttles per username only: never one shared bucket for everybody, and never
 * a bucket a client picks.
 */
export function clientIp(headers: Headers, trustedHops: number = env().TRUSTED_PROXY_HOPS): string | null {
  const peer = headers.get(PEER_ADDRESS_HEADER)?.trim();
  if (!peer) {
    if (!warnedNoPeer) log.warn("no socket address on the request (not served by scripts/start.mjs): login is throttled per username only");
    warnedNoPeer = true;
    return null;
  }
  const forwarded = trustedHops > 0 ? (headers.get("x-forwarded-for") ?? "").split(",").map((a) => a.trim()).filter(Boolean) : [];
  const chain = [...forwarded, peer];
  // Fewer entries than trusted hops: the request skipped a proxy; the leftmost is the furthest we know.
  const ip = normalizeAddress(chain[Math.max(0, chain.length - 1 - trustedHops)]!);
  // Bounded and free of braces, so the key stays one hash tag.
  return ip.slice(0, 64).replace(/[{}\s]/g, "_");
}
