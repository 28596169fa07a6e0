/**
 * What an upload may be. Pure constants: the console's uploader reads them too, to refuse a
 * file before sending it (the server refuses it anyway).
 */

/** The largest picture accepted, in bytes (a phone's photo is 2-8 MiB). */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

/**
 * The largest upload body: the picture plus the form's other fields and multipart boundaries.
 * The front allows exactly this much on the upload route (scripts/front/nginx.conf.template,
 * `client_max_body_size 10304k`) and 64 KiB everywhere else.
 */
export const MAX_UPLOAD_BODY_BYTES = MAX_IMAGE_BYTES + 64 * 1024;

/**
 * The most pixels a picture may have (a 48 MP phone sensor bins to 12 MP; 40 MP leaves room for
 * cameras). A 40 MP picture decodes to 160 MB of RGBA: a 20 kB "decompression bomb" PNG of
 * 100,000 x 100,000 pixels would want 40 GB, so it is refused from its header, never decoded.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** The widths stored (never upscaled): a phone's card, a phone's full width or a laptop's card, a laptop's gallery. */
export const IMAGE_WIDTHS = [320, 640, 1280] as const;

/** Alt text: said by screen readers in place of the picture. */
export const MAX_ALT_LENGTH = 255;

/** The formats accepted, recognised by their bytes whatever the file is called. */
export const ACCEPTED_FORMATS = ["jpeg", "png", "webp", "avif"] as const;
