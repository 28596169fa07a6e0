import { describe, expect, it } from "vitest";
import { accelExpires } from "./front-expiry.mjs";

describe("accelExpires", () => {
  it("keeps an s-maxage=1 answer fresh at the front until the end of the second it was made in", () => {
    expect(accelExpires("s-maxage=1", 5_900)).toBe("@5");
    expect(accelExpires("public, s-maxage=3, stale-while-revalidate=5", 5_000)).toBe("@7");
  });

  it("leaves answers without a shared max age alone", () => {
    for (const cc of [undefined, "", "private, no-cache, no-store, max-age=0, must-revalidate", "max-age=60", "s-maxage=0"]) expect(accelExpires(cc, 5_000)).toBeNull();
  });
});
