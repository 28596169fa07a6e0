import type { ImageView } from "@/lib/images/urls";

type Props = {
  image: ImageView;
  /** The `sizes` of the slot it fills (IMAGE_SIZES in lib/images/urls.ts). */
  sizes: string;
  /** "card": cropped to the catalog's 4:3 tiles; "hero": the whole picture on the product page; "thumb": a small square. */
  fit?: "card" | "hero" | "thumb";
  /** Above the fold (the product page's main picture): fetched at once, not lazily. */
  priority?: boolean;
  /** Replaces the picture's alt text, e.g. "" where a caption beside it says the same. */
  alt?: string;
};

/**
 * An uploaded product picture: a plain `<img>` whose `srcset` lists every stored width, so the
 * browser fetches the smallest file that fills the slot at the screen's density (a phone's card
 * takes the 320 or 640 px file, never the 1280). `width`/`height` reserve its box before it loads.
 * Not next/image: the files are already resized and immutable, and its optimizer would resize
 * them again in the app's process.
 */
export function ProductPicture({ image, sizes, fit = "card", priority = false, alt }: Props) {
  return (
    // eslint-disable-next-line @next/next/no-img-element -- pre-resized, content-hashed files: see the comment above
    <img
      src={image.url}
      srcSet={image.srcSet}
      sizes={sizes}
      width={image.width}
      height={image.height}
      alt={alt ?? image.alt}
      loading={priority ? "eager" : "lazy"}
      fetchPriority={priority ? "high" : undefined}
      decoding="async"
      className={`product-picture ${fit}`}
    />
  );
}
