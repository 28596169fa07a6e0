"use client";

import { useState } from "react";
import { ProductPicture } from "@/app/components/ProductPicture";
import { IMAGE_SIZES, type ImageView } from "@/lib/images/urls";

/**
 * The pictures a variant shows: its own first, then the product's; another variant's pictures are
 * not shown for this one (unless no picture is anyone else's, then all of them).
 */
export function picturesFor(images: ImageView[], skuId: number | undefined): ImageView[] {
  const own = images.filter((i) => i.skuId !== null && i.skuId === skuId);
  const shown = [...own, ...images.filter((i) => i.skuId === null)];
  return shown.length > 0 ? shown : images;
}

/**
 * The product page's uploaded pictures: the main one large, the others as buttons that show
 * them (keyboard and screen-reader friendly: each says which picture it shows and whether it is
 * the one shown). Switching variant starts again from that variant's first picture.
 */
export function Gallery({ images, skuId }: { images: ImageView[]; skuId: number | undefined }) {
  const shown = picturesFor(images, skuId);
  const [picked, setPicked] = useState<{ skuId: number | undefined; imageId: number } | null>(null);
  const main = (picked && picked.skuId === skuId && shown.find((i) => i.imageId === picked.imageId)) || shown[0]!;
  return (
    <div className="gallery" data-testid="gallery">
      <ProductPicture image={main} sizes={IMAGE_SIZES.hero} fit="hero" priority />
      {shown.length > 1 && (
        <ul className="gallery-thumbs" aria-label="Pictures">
          {shown.map((image, n) => (
            <li key={image.imageId}>
              <button type="button" aria-pressed={image.imageId === main.imageId} aria-label={`Show picture ${n + 1} of ${shown.length}: ${image.alt}`} onClick={() => setPicked({ skuId, imageId: image.imageId })}>
                <ProductPicture image={image} sizes={IMAGE_SIZES.thumb} fit="thumb" alt="" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
