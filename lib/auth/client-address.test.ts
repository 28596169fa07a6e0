import { describe, expect, it } from "vitest";
import { PEER_ADDRESS_HEADER } from "@/lib/platform/peer-address.mjs";
import { clientIp } from "./client-address";

const headers = (h: Record<string, string>) => new Headers(h);

describe("clientIp", () => {
  it("with no trusted proxy, is the socket's address whatever X-Forwarded-For or X-Real-IP say", () => {
    const h = headers({ [PEER_ADDRESS_HEADER]: "203.0.113.7", "x-forwarded-for": "198.51.100.1", "x-real-ip": "198.51.100.2" });
    expect(clientIp(h, 0)).toBe("203.0.113.7");
  });

  it("behind one trusted proxy, is the entry that proxy wrote, not the ones a client prepended", () => {
    // The front overwrites X-Forwarded-For, but a proxy that appends would leave the client's guesses on the left.
    const h = headers({ [PEER_ADDRESS_HEADER]: "127.0.0.1", "x-forwarded-for": "6.6.6.6, 5.5.5.5, 203.0.113.7" });
    expect(clientIp(h, 1)).toBe("203.0.113.7");
    expect(clientIp(h, 2)).toBe("5.5.5.5");
  });

  it("behind a trusted proxy that sent no X-Forwarded-For, falls back to the furthest address known", () => {
    expect(clientIp(headers({ [PEER_ADDRESS_HEADER]: "127.0.0.1" }), 1)).toBe("127.0.0.1");
  });

  it("is null without the launcher's socket address, so login throttles per username only", () => {
    expect(clientIp(headers({ "x-forwarded-for": "198.51.100.1" }), 0)).toBeNull();
    expect(clientIp(headers({ "x-forwarded-for": "198.51.100.1" }), 1)).toBeNull();
  });

  it("reads IPv4-mapped IPv6 as IPv4 and keeps the key one hash tag", () => {
    expect(clientIp(headers({ [PEER_ADDRESS_HEADER]: "::ffff:10.1.2.3" }), 0)).toBe("10.1.2.3");
    expect(clientIp(headers({ [PEER_ADDRESS_HEADER]: "127.0.0.1", "x-forwarded-for": "{evil} x" }), 1)).toBe("_evil__x");
  });
});
