/**
 * Real picture files for the image tests (tests/images*.test.ts, tests/cluster), made with sharp
 * in the test: nothing binary is checked in.
 */
import sharp from "sharp";

/** A smooth gradient with some noise: compresses like a photo, not like a flat colour. */
function photoPixels(width: number, height: number): Buffer {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const n = (x * 7919 + y * 104729) % 23;
      px[i] = (x * 255) / width + n;
      px[i + 1] = (y * 255) / height + n;
      px[i + 2] = 128 + n;
    }
  }
  return px;
}

/** Where the photo was "taken" (EXIF GPS), and the camera: what must never reach a shopper. */
export const GPS_EXIF = {
  IFD0: { Make: "Stockroom Test Phone", Model: "Secret Model 9", Software: "where-i-live 1.0" },
  IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 2400/100", GPSLongitudeRef: "E", GPSLongitude: "2/1 21/1 700/100" },
};

/**
 * A phone's JPEG: `width` x `height` pixels as stored, with EXIF orientation 6 (shown turned a
 * quarter clockwise, so upright it is `height` wide) and a GPS position.
 */
export async function phoneJpeg(width = 1600, height = 1200): Promise<Buffer> {
  return sharp(photoPixels(width, height), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    // sharp writes the orientation itself (it drops an Orientation tag given in the EXIF).
    .withMetadata({ orientation: 6 })
    .withExifMerge(GPS_EXIF)
    .toBuffer();
}

/** A plain picture in any accepted format. */
export async function picture(format: "png" | "jpeg" | "webp" | "avif", width = 400, height = 300): Promise<Buffer> {
  const img = sharp(photoPixels(width, height), { raw: { width, height, channels: 3 } });
  return (format === "png" ? img.png() : format === "jpeg" ? img.jpeg() : format === "webp" ? img.webp() : img.avif({ effort: 0 })).toBuffer();
}

/** 6500 x 6400 = 41.6 megapixels of one colour: a ~130 kB PNG that would decode to 166 MB. */
export const bombPng = () => sharp({ create: { width: 6500, height: 6400, channels: 3, background: "#336699" } }).png({ compressionLevel: 9 }).toBuffer();

/** An upload form as a browser sends it. */
export function uploadForm(file: Buffer, fileName: string, type: string, fields: Record<string, string> = { alt: "A test picture" }): FormData {
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(file)], { type }), fileName);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

/** A form encoded to bytes, for clients that send raw bodies (node:http). */
export async function encodeForm(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const req = new Request("http://localhost/", { method: "POST", body: form });
  return { body: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get("content-type")! };
}

/** True when an EXIF block holds a GPS IFD pointer (tag 0x8825, either byte order). */
export const hasGpsPointer = (exif: Buffer | undefined) => !!exif && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])));
