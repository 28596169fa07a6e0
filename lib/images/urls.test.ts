import { describe, expect, it } from "vitest";
import { IMAGE_FILE_NAME, imageFileName, srcSetOf, storedWidths } from "./urls";

describe("stored widths and srcset", () => {
  it("stores each ladder width below the picture's own, and its own, never more", () => {
    expect(storedWidths(1280)).toEqual([320, 640, 1280]);
    expect(storedWidths(1000)).toEqual([320, 640, 1000]);
    expect(storedWidths(640)).toEqual([320, 640]);
    expect(storedWidths(321)).toEqual([320, 321]);
    expect(storedWidths(200)).toEqual([200]);
  });

  it("lists every stored file with its width descriptor", () => {
    const hash = "ab".repeat(16);
    expect(srcSetOf(hash, 1000)).toBe(`/images/${hash}-320.webp 320w, /images/${hash}-640.webp 640w, /images/${hash}-1000.webp 1000w`);
  });

  it("takes only names it could have made", () => {
    const hash = "0123456789abcdef".repeat(2);
    expect(IMAGE_FILE_NAME.test(imageFileName(hash, 640))).toBe(true);
    expect(IMAGE_FILE_NAME.test(imageFileName(hash, 640, "avif"))).toBe(true);
    for (const bad of [`${hash}-640.png`, `${hash.toUpperCase()}-640.webp`, `${hash}-0640.webp`, `${hash}-640.webp/..`, `../${hash}-640.webp`, `${hash.slice(1)}-640.webp`]) {
      expect(IMAGE_FILE_NAME.test(bad), bad).toBe(false);
    }
  });
});
