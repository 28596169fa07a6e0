import { AppError } from "@/lib/errors";

/** A multipart field's problem as VALIDATION, with the field named. */
const fieldError = (field: string, message: string) => new AppError("VALIDATION", { message, details: { fieldErrors: { [field]: [message] } } });

/**
 * Reads a `multipart/form-data` body of at most `maxBytes` (the one route that takes files:
 * image uploads; every other body is JSON of at most 64 KiB, `readJson`). A declared length over
 * the limit is refused before reading; a body without one (chunked) is counted as it arrives and
 * refused as soon as it passes the limit, so nothing larger is ever held in memory.
 */
export async function readMultipart(req: Request, maxBytes: number): Promise<FormData> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;\s*boundary=/i.test(type)) throw fieldError("file", "Send the picture as multipart/form-data, in a field named “file”.");
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", { message: `The upload is larger than ${Math.floor(maxBytes / 1024 / 1024)} MiB: send a smaller picture.` });
  if (Number(req.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  try {
    return await new Response(Buffer.concat(chunks), { headers: { "content-type": type } }).formData();
  } catch {
    throw fieldError("file", "The upload's multipart body could not be read.");
  }
}

/** The file in field `name`, as bytes, or VALIDATION naming the field. */
export async function formFile(form: FormData, name: string): Promise<Buffer> {
  const value = form.get(name);
  if (value === null || typeof value === "string") throw fieldError(name, "Choose a picture to upload.");
  return Buffer.from(await value.arrayBuffer());
}

/** The form's text fields (files left out), for a zod schema. */
export function formFields(form: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string") fields[key] = value;
  return fields;
}
