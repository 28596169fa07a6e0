import "server-only";
import { createHash, randomBytes } from "node:crypto";
import sharp, { type Metadata, type OutputInfo } from "sharp";
import { AppError } from "@/lib/errors";
import { ACCEPTED_FORMATS, IMAGE_WIDTHS, MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from "./limits";
import { storedWidths } from "./urls";

// Uploads are rare and each is seen once: libvips's operation cache would only hold their memory.
sharp.cache(false);

type Format = (typeof ACCEPTED_FORMATS)[number];

export type StoredFile = { width: number; height: number; format: "webp"; bytes: Buffer };

/** An upload made ready to store: its files, largest first, with no metadata left in any. */
export type ProcessedImage = {
  /** Names the files: `<hash>-<width>.webp`. */
  hash: string;
  /** What the upload was, by its bytes. */
  format: Format;
  /** The largest file's size. */
  width: number;
  height: number;
  files: StoredFile[];
};

/** WebP at 80: about a fifth of a phone JPEG's bytes at 1280 px, with no visible loss on product photos. */
const WEBP = { quality: 80, effort: 4 } as const;

/** The format by the file's bytes (its header), never by its name or declared type. */
async function sniff(bytes: Buffer): Promise<{ format: Format; width: number; height: number }> {
  let meta: Metadata;
  try {
    // Reads the header only: nothing is decoded here, whatever size the picture claims.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new AppError("UNSUPPORTED_IMAGE");
  }
  // AVIF is a HEIF container with AV1 inside; HEIC (HEVC inside, iPhones' default) is not taken.
  const format = meta.format === "heif" ? (meta.compression === "av1" ? "avif" : undefined) : ACCEPTED_FORMATS.find((f) => f === meta.format);
  if (!format) {
    const what = meta.format === "heif" ? "HEIC" : meta.format?.toUpperCase();
    throw new AppError("UNSUPPORTED_IMAGE", { message: `That file is ${what ? `a ${what} image` : "not an image we take"}: upload a JPEG, PNG, WebP or AVIF picture.` });
  }
  const { width, height } = meta;
  if (!width || !height) throw new AppError("UNSUPPORTED_IMAGE");
  if (width * height > MAX_IMAGE_PIXELS) {
    const mp = ((width * height) / 1e6).toFixed(1);
    throw new AppError("IMAGE_TOO_LARGE", { message: `That picture is ${width} x ${height} pixels (${mp} megapixels); the most we take is 40 megapixels.` });
  }
  return { format, width, height };
}

/** A decode failure as the caller's error: past the pixel limit (a header that lied) or a damaged file. */
function decodeError(e: unknown): AppError {
  const message = e instanceof Error ? e.message : String(e);
  if (/pixel limit/i.test(message)) return new AppError("IMAGE_TOO_LARGE");
  return new AppError("UNSUPPORTED_IMAGE", { message: "That picture could not be read: the file may be damaged. Try exporting it again as JPEG or PNG." });
}

/**
 * Checks an upload by its bytes and makes its stored files: turned upright by its EXIF
 * orientation, then every piece of metadata dropped (EXIF with a phone's GPS position, XMP, IPTC,
 * ICC after conversion to sRGB), resized to each width of IMAGE_WIDTHS below its own (never
 * upscaled) and encoded as WebP. Refuses: over MAX_IMAGE_BYTES (413), not JPEG/PNG/WebP/AVIF
 * (415), over MAX_IMAGE_PIXELS (422, from the header, before any decoding; libvips's own
 * `limitInputPixels` guards the decode too).
 *
 * AVIF is not made: at 1280 px it took 8.5 s per picture against WebP's 0.3 s on this 2-core
 * machine (0.7 s at effort 2, for files only 10% smaller than WebP): see docs/architecture.md.
 */
export async function processImage(bytes: Buffer): Promise<ProcessedImage> {
  if (bytes.length > MAX_IMAGE_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", { message: "That picture is larger than 10 MiB: upload a smaller one." });
  if (bytes.length === 0) throw new AppError("UNSUPPORTED_IMAGE", { message: "That file is empty." });
  const { format } = await sniff(bytes);
  const largest = IMAGE_WIDTHS[IMAGE_WIDTHS.length - 1]!;
  let upright: { data: Buffer; info: OutputInfo };
  try {
    // Decoded once, upright and at most `largest` wide, into raw pixels: raw carries no metadata
    // at all, so nothing of the upload's EXIF can reach a stored file.
    upright = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: "error", pages: 1 })
      .autoOrient()
      .resize({ width: largest, withoutEnlargement: true })
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw decodeError(e);
  }
  const { data, info } = upright;
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const files: StoredFile[] = [];
  for (const width of storedWidths(info.width).reverse()) {
    const resized = width === info.width ? sharp(data, raw) : sharp(data, raw).resize({ width });
    const out = await resized.webp(WEBP).toBuffer({ resolveWithObject: true });
    files.push({ width: out.info.width, height: out.info.height, format: "webp", bytes: out.data });
  }
  // Named by the upload's bytes and a salt of its own: a URL never changes meaning (it is served
  // as immutable), and the same photo uploaded twice (two products, or again after a delete) gets
  // names of its own instead of colliding with the first copy's rows.
  const hash = createHash("sha256").update(randomBytes(16)).update(bytes).digest("hex").slice(0, 32);
  return { hash, format, width: info.width, height: info.height, files };
}
