"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { ConfirmDialog } from "@/app/components/ConfirmDialog";
import { ProductPicture } from "@/app/components/ProductPicture";
import { MAX_ALT_LENGTH, MAX_IMAGE_BYTES } from "@/lib/images/limits";
import { IMAGE_SIZES, type ImageView } from "@/lib/images/urls";
import { deleteImageAction, reorderImagesAction } from "./image-actions";

type Props = {
  spuId: number;
  /** The product's pictures in their order (listImages). */
  images: ImageView[];
  /** The product's variants: a picture may show one of them. Leave out to upload product pictures only. */
  variants?: { skuId: number; name: string }[];
};

type Problem = { code?: string; message: string; fieldErrors?: Record<string, string[] | undefined> };

/** Refusals of the file itself: said at the file field. */
const FILE_CODES = new Set(["PAYLOAD_TOO_LARGE", "UNSUPPORTED_IMAGE", "IMAGE_TOO_LARGE"]);

const ACCEPT = "image/jpeg,image/png,image/webp,image/avif";

/** POST /api/admin/products/:spuId/images: the file goes to the route the front lets 10 MiB through. */
async function uploadImage(spuId: number, form: FormData): Promise<{ ok: true; image: ImageView } | ({ ok: false } & Problem)> {
  let res: Response;
  try {
    res = await fetch(`/api/admin/products/${spuId}/images`, { method: "POST", body: form });
  } catch {
    return { ok: false, message: "The upload did not reach the shop: check the connection and try again." };
  }
  const body = (await res.json().catch(() => null)) as { image?: ImageView; error?: { code?: string; message?: string; fieldErrors?: Record<string, string[]> } } | null;
  if (res.ok && body?.image) return { ok: true, image: body.image };
  return { ok: false, code: body?.error?.code, message: body?.error?.message ?? `The upload failed (HTTP ${res.status}).`, fieldErrors: body?.error?.fieldErrors };
}

/**
 * A product's pictures in the console: upload one with its alt text (and the variant it shows),
 * move pictures up and down (the first is the catalog's cover), delete one after confirming.
 * Each change is saved at once and said in a status line; a refusal is said where it belongs and
 * the form keeps what was typed.
 */
export function ImageManager({ spuId, images, variants = [] }: Props) {
  const router = useRouter();
  const id = useId();
  // What the last change answered, until the page's own list (props) is rendered again.
  const [local, setLocal] = useState<{ from: ImageView[]; list: ImageView[] } | null>(null);
  const list = local && local.from === images ? local.list : images;
  const [status, setStatus] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [uploading, setUploading] = useState(false);
  const [moving, setMoving] = useState(false);
  const [deleting, setDeleting] = useState<number | null>(null);
  const [alt, setAlt] = useState("");
  const [skuId, setSkuId] = useState("");
  const fileRef = useRef<HTMLInputElement>(null);
  // After a move the button pressed has changed place: focus follows it (or its twin, at an end).
  const [focus, setFocus] = useState<{ imageId: number; dir: "up" | "down" } | null>(null);
  useEffect(() => {
    if (!focus) return;
    const mine = document.getElementById(`${id}-${focus.imageId}-${focus.dir}`) as HTMLButtonElement | null;
    const twin = document.getElementById(`${id}-${focus.imageId}-${focus.dir === "up" ? "down" : "up"}`) as HTMLButtonElement | null;
    (mine && !mine.disabled ? mine : twin)?.focus();
  }, [focus, list, id]);

  const busy = uploading || moving || deleting !== null;
  const show = (next: ImageView[]) => setLocal({ from: images, list: next });
  const variantName = (sku: number | null) => variants.find((v) => v.skuId === sku)?.name;

  async function move(index: number, dir: "up" | "down") {
    const to = dir === "up" ? index - 1 : index + 1;
    // While a change is saved the buttons stay enabled (a disabled button would drop the keyboard's focus) but do nothing.
    if (to < 0 || to >= list.length || busy) return;
    const before = list;
    const next = [...list];
    [next[index], next[to]] = [next[to]!, next[index]!];
    show(next);
    setFocus({ imageId: next[to]!.imageId, dir });
    setProblem(null);
    setMoving(true);
    const result = await reorderImagesAction(spuId, next.map((i) => i.imageId));
    setMoving(false);
    if (result.ok) {
      show(result.data);
      setStatus(`Moved “${next[to]!.alt}” to place ${to + 1} of ${next.length}.`);
    } else {
      show(before);
      setProblem({ code: result.code, message: result.message });
    }
    // The page's own list (and, after a refusal, another admin's change) comes back with the refresh.
    router.refresh();
  }

  async function remove(image: ImageView) {
    setDeleting(image.imageId);
    setProblem(null);
    const result = await deleteImageAction(spuId, image.imageId);
    setDeleting(null);
    if (result.ok) {
      show(result.data);
      setStatus(`Deleted “${image.alt}”.`);
      router.refresh();
    } else {
      setProblem({ code: result.code, message: result.message });
      router.refresh();
    }
  }

  async function upload(form: FormData) {
    setProblem(null);
    setStatus("");
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return setProblem({ message: "Choose a picture to upload.", fieldErrors: { file: ["Choose a picture to upload."] } });
    if (file.size > MAX_IMAGE_BYTES) {
      const message = `That picture is ${(file.size / 1024 / 1024).toFixed(1)} MiB; the most we take is 10 MiB.`;
      return setProblem({ code: "PAYLOAD_TOO_LARGE", message });
    }
    setUploading(true);
    const result = await uploadImage(spuId, form);
    setUploading(false);
    if (!result.ok) return setProblem(result);
    show([...list, result.image]);
    setStatus(`Added “${result.image.alt}” (${result.image.width} × ${result.image.height}).`);
    setAlt("");
    setSkuId("");
    if (fileRef.current) fileRef.current.value = "";
    router.refresh();
  }

  const fieldError = (field: string) => problem?.fieldErrors?.[field]?.[0];
  // A refusal of the file itself (413, 415, 422) belongs at the file field; anything else above the list.
  const fileProblem = fieldError("file") ?? (problem?.code && FILE_CODES.has(problem.code) ? problem.message : undefined);
  const formProblem = problem && !fileProblem && !fieldError("alt") && !fieldError("skuId") ? problem.message : null;

  return (
    <section className="image-manager" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Pictures</h2>
      <p aria-live="polite" role="status" className={status ? "alert success" : "visually-hidden"}>
        {status}
      </p>
      {formProblem && (
        <p className="alert error" role="alert">
          {formProblem}
        </p>
      )}
      {list.length === 0 ? (
        <p className="muted">No pictures yet: shoppers see the drawn art. The first picture is the catalog&apos;s cover.</p>
      ) : (
        <ol aria-label="Pictures in the order shoppers see them">
          {list.map((image, n) => (
            <li key={image.imageId} data-testid="managed-image">
              <ProductPicture image={image} sizes={IMAGE_SIZES.thumb} fit="thumb" alt="" />
              <div>
                <div className="image-alt">
                  <span className="visually-hidden">Picture {n + 1}: </span>
                  {image.alt}
                </div>
                <div className="muted" style={{ fontSize: "0.85rem" }}>
                  {n === 0 ? "Cover · " : ""}
                  {image.skuId !== null ? `${variantName(image.skuId) ?? "A variant"} · ` : ""}
                  {image.width} × {image.height}
                </div>
              </div>
              <div className="image-actions">
                <button id={`${id}-${image.imageId}-up`} type="button" className="btn secondary small" disabled={n === 0} aria-disabled={busy || n === 0} onClick={() => void move(n, "up")}>
                  <span aria-hidden="true">↑ Up</span>
                  <span className="visually-hidden">Move “{image.alt}” one place up</span>
                </button>
                <button id={`${id}-${image.imageId}-down`} type="button" className="btn secondary small" disabled={n === list.length - 1} aria-disabled={busy || n === list.length - 1} onClick={() => void move(n, "down")}>
                  <span aria-hidden="true">↓ Down</span>
                  <span className="visually-hidden">Move “{image.alt}” one place down</span>
                </button>
                <ConfirmDialog
                  triggerLabel={
                    <>
                      Delete<span className="visually-hidden"> “{image.alt}”</span>
                    </>
                  }
                  pendingLabel="Deleting…"
                  pending={deleting === image.imageId}
                  disabled={busy}
                  triggerClassName="btn secondary small"
                  title={`Delete “${image.alt}”?`}
                  description={<p>Shoppers stop seeing it at once. This cannot be undone: to show it again, upload it again.</p>}
                  confirmLabel="Yes, delete picture"
                  dismissLabel="Keep it"
                  onConfirm={() => void remove(image)}
                />
              </div>
            </li>
          ))}
        </ol>
      )}
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void upload(new FormData(e.currentTarget));
        }}
        aria-describedby={`${id}-rules`}
      >
        <h3 style={{ margin: 0 }}>Add a picture</h3>
        <p id={`${id}-rules`} className="muted" style={{ margin: 0, fontSize: "0.9rem" }}>
          JPEG, PNG, WebP or AVIF, up to 10 MiB and 40 megapixels. Location and camera details are removed.
        </p>
        <div className="field" style={{ margin: 0 }}>
          <label htmlFor={`${id}-file`}>Picture</label>
          <input
            ref={fileRef}
            id={`${id}-file`}
            name="file"
            type="file"
            accept={ACCEPT}
            required
            aria-invalid={!!fileProblem}
            aria-describedby={fileProblem ? `${id}-file-error` : undefined}
            onChange={() => setProblem(null)}
          />
          {fileProblem && (
            <span id={`${id}-file-error`} className="field-error" role="alert">
              {fileProblem}
            </span>
          )}
        </div>
        <div className="field" style={{ margin: 0 }}>
          <label htmlFor={`${id}-alt`}>Alt text</label>
          <input
            id={`${id}-alt`}
            name="alt"
            value={alt}
            onChange={(e) => setAlt(e.target.value)}
            maxLength={MAX_ALT_LENGTH}
            required
            autoComplete="off"
            placeholder="e.g. Olive sneaker seen from the side"
            aria-invalid={!!fieldError("alt")}
            aria-describedby={fieldError("alt") ? `${id}-alt-error` : `${id}-alt-hint`}
          />
          {fieldError("alt") ? (
            <span id={`${id}-alt-error`} className="field-error" role="alert">
              {fieldError("alt")}
            </span>
          ) : (
            <span id={`${id}-alt-hint`} className="field-hint">
              What a shopper who cannot see the picture should hear.
            </span>
          )}
        </div>
        {variants.length > 0 && (
          <div className="field" style={{ margin: 0 }}>
            <label htmlFor={`${id}-sku`}>Shows</label>
            <select id={`${id}-sku`} name="skuId" value={skuId} onChange={(e) => setSkuId(e.target.value)} aria-invalid={!!fieldError("skuId")}>
              <option value="">The whole product</option>
              {variants.map((v) => (
                <option key={v.skuId} value={v.skuId}>
                  Only the variant {v.name}
                </option>
              ))}
            </select>
            {fieldError("skuId") && (
              <span className="field-error" role="alert">
                {fieldError("skuId")}
              </span>
            )}
          </div>
        )}
        <div>
          <button type="submit" className="btn" disabled={uploading} aria-disabled={uploading}>
            {uploading ? "Uploading…" : "Upload picture"}
          </button>
        </div>
      </form>
    </section>
  );
}
