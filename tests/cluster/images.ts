/**
 * Images on the cluster rig (issue 33): a picture uploaded through one app server is served by
 * the other two, directly and through the front, because its files are rows in Galera, not files
 * on the uploading server's disk. Each app server here talks to its own Galera node (no HAProxy),
 * so the rows must have replicated. Then the uploader is stopped and every width is fetched
 * through the front again: what the front had not cached yet comes from the others.
 *
 * Run by scripts/test-cluster.sh after the races; alone, with the rig up (`bash
 * scripts/cluster-rig.sh start`) and a build in .next-cluster:
 *   NEXT_DIST_DIR=.next-cluster npx tsx --conditions=react-server tests/cluster/images.ts
 */
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { eq } from "drizzle-orm";
import { closeDb, getDb } from "@/db";
import { recreateDatabase } from "@/db/migrate";
import { skus } from "@/db/schema";
import type { ImageView } from "@/lib/images/urls";
import { makeShoppers, makeSkus } from "../support/fixtures";
import { phoneJpeg, uploadForm } from "../support/images";
import { sleep } from "../support/wait";
import { APP_PORTS, HAPROXY, LOG_DIR, SQL_PORTS, appUrl, flushRedisCluster, frontUrl, nodeUrl, reportBroken, runRaces, say, startApp, startFront, stopApp, stopFront } from "./rig";

/** Galera applies a commit on the other nodes a moment after it returns: how long a reader may wait. */
const REPLICATION_MS = 5_000;

const sha = (b: ArrayBuffer) => createHash("sha256").update(Buffer.from(b)).digest("hex");

/** GET `path` from `base` until it answers 200 (or REPLICATION_MS pass): its status, front cache status, body hash, and when. */
async function fetchFile(base: URL, path: string) {
  const started = performance.now();
  for (;;) {
    const res = await fetch(new URL(path, base));
    const body = await res.arrayBuffer();
    const waited = Math.round(performance.now() - started);
    if (res.status === 200 || waited > REPLICATION_MS) {
      return { status: res.status, cache: res.headers.get("x-front-cache"), cacheControl: res.headers.get("cache-control"), type: res.headers.get("content-type"), hash: sha(body), waited };
    }
    await sleep(100);
  }
}

async function main() {
  await mkdir(LOG_DIR, { recursive: true });
  say("images: fresh database; each app server on its own Galera node, behind the front");
  await closeDb();
  await recreateDatabase(nodeUrl(HAPROXY["single-writer"]));
  await flushRedisCluster();
  const [skuId] = await makeSkus([5], { product: "Cluster picture" });
  const [{ spuId }] = (await getDb().select({ spuId: skus.spuId }).from(skus).where(eq(skus.id, skuId!))) as [{ spuId: number }];
  const [admin] = await makeShoppers(1, { role: "admin", prefix: "img" });

  const apps = await Promise.all(APP_PORTS.map((port, i) => startApp(port, nodeUrl(SQL_PORTS[i]!), "batched", `images-app${i + 1}`)));
  const front = await startFront();
  const broken: string[] = [];
  try {
    const res = await fetch(new URL(`/api/admin/products/${spuId}/images`, appUrl(APP_PORTS[0]!)), {
      method: "POST",
      headers: { cookie: admin!.cookie },
      body: uploadForm(await phoneJpeg(1600, 1200), "IMG_0001.JPG", "image/jpeg", { alt: "Uploaded through app 1" }),
    });
    const body = (await res.json()) as { image?: ImageView };
    if (res.status !== 201 || !body.image) throw new Error(`upload through app 1 answered ${res.status}: ${JSON.stringify(body)}`);
    const image = body.image;
    const urls = image.srcSet.split(", ").map((s) => s.split(" ")[0]!);
    say(`uploaded through app 1 (:${APP_PORTS[0]}): ${urls.length} files, ${image.url}`);

    const original = await fetchFile(appUrl(APP_PORTS[0]!), image.url);
    for (const port of APP_PORTS.slice(1)) {
      const got = await fetchFile(appUrl(port), image.url);
      say(`  app :${port} (its own Galera node): ${got.status} after ${got.waited} ms`);
      if (got.status !== 200 || got.hash !== original.hash) broken.push(`app :${port} answered ${got.status} (same bytes: ${got.hash === original.hash})`);
    }
    const first = await fetchFile(frontUrl, image.url);
    const again = await fetchFile(frontUrl, image.url);
    say(`  through the front: ${first.status} ${first.cache}, then ${again.status} ${again.cache}; ${again.cacheControl}`);
    if (first.hash !== original.hash || again.cache !== "HIT") broken.push(`front: ${first.status}/${first.cache} then ${again.status}/${again.cache}`);
    if (again.cacheControl !== "public, max-age=31536000, immutable" || again.type !== "image/webp") broken.push(`front headers: ${again.cacheControl}, ${again.type}`);

    // The uploader goes away: the widths the front has not cached come from apps 2 and 3.
    await stopApp(apps[0]!);
    for (const url of urls) {
      const got = await fetchFile(frontUrl, url);
      say(`  ${url.split("/").pop()} through the front with app 1 stopped: ${got.status} ${got.cache}`);
      if (got.status !== 200) broken.push(`${url} through the front with app 1 stopped: ${got.status}`);
    }
    const page = await (await fetch(new URL(`/products/${spuId}`, frontUrl))).text();
    if (!page.includes(image.url)) broken.push("the product page through the front does not show the picture");
  } finally {
    await stopFront(front);
    await Promise.all(apps.map((a) => stopApp(a)));
  }
  if (broken.length === 0) console.log("images: one upload, served by every app server and through the front (cached), also with the uploader stopped.");
  return reportBroken(broken);
}

runRaces(main);
