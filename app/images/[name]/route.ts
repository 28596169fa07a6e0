import { AppError } from "@/lib/errors";
import { readImageFile } from "@/lib/images/service";
import { IMAGE_FILE_NAME } from "@/lib/images/urls";
import { route } from "@/lib/web/http";

// Read from the database on every request that reaches the app; the front keeps each file (its
// name never changes meaning), so few do.
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string }> };

/** One stored picture file (`<hash>-<width>.webp`), from its row in MariaDB: every app server serves every image. */
export const GET = route<Ctx>(
  async (_req, { params }) => {
    const { name } = await params;
    const file = IMAGE_FILE_NAME.test(name) ? await readImageFile(name) : null;
    if (!file) throw new AppError("IMAGE_NOT_FOUND");
    return new Response(new Uint8Array(file.bytes), {
      headers: {
        "Content-Type": `image/${file.format}`,
        "Content-Length": String(file.bytes.length),
        // Content-hashed names: a URL's bytes never change, so browsers and the front keep them a year.
        "Cache-Control": "public, max-age=31536000, immutable",
      },
    });
  },
  { quiet: true },
);
