import { IMAGE_WIDTHS } from "./limits";

/**
 * A product picture as pages and the API show it. Pure: client components import this file.
 * `url` is the largest stored file; `srcSet` lists every stored width, so the browser picks the
 * smallest that fills the slot (`sizes`) at the screen's density.
 */
export type ImageView = {
  imageId: number;
  /** Set when the picture shows one variant. */
  skuId: number | null;
  url: string;
  srcSet: string;
  alt: string;
  /** Pixel size of the largest stored file (`url`). */
  width: number;
  height: number;
};

/** The path a stored file is served at (app/images/[name]/route.ts). */
export const imageFileName = (hash: string, width: number, format: "webp" | "avif" = "webp") => `${hash}-${width}.${format}`;
export const imageUrl = (hash: string, width: number, format: "webp" | "avif" = "webp") => `/images/${imageFileName(hash, width, format)}`;

/** The names a stored file may have: a 32-digit hex hash, a width, a format. Anything else is a 404 without a query. */
export const IMAGE_FILE_NAME = /^[0-9a-f]{32}-[1-9]\d{0,4}\.(webp|avif)$/;

/**
 * The widths stored for a picture whose largest file is `width` wide: every width of the ladder
 * below it, and itself. A 1,000 px picture has 320, 640 and 1000; a 200 px one only 200.
 */
export function storedWidths(width: number): number[] {
  return [...IMAGE_WIDTHS.filter((w) => w < width), width];
}

/** The `srcset` of a picture: `<url> 320w, <url> 640w, …`. */
export const srcSetOf = (hash: string, width: number) =>
  storedWidths(width)
    .map((w) => `${imageUrl(hash, w)} ${w}w`)
    .join(", ");

/** `sizes` for the slots pictures fill (app/globals.css): a catalog card and the product page's main picture. */
export const IMAGE_SIZES = {
  // Two cards a row up to 520 px, then cards of at least 230 px in a container of at most 1,120 px.
  card: "(max-width: 520px) 50vw, (max-width: 1120px) 33vw, 280px",
  // Full width up to 760 px, then half the 1,120 px container.
  hero: "(max-width: 760px) 100vw, 540px",
  // The console's and the gallery's small squares.
  thumb: "96px",
} as const;
