import "server-only";
import { createHmac } from "node:crypto";
import { createChallenge, randomInt, verifySolution, type Challenge, type Solution } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/platform/env";
import { getRedis } from "@/lib/platform/redis";

/**
 * The proof-of-work a shopper pays to join a drop's line: an ALTCHA v2 challenge (altcha-lib),
 * solved in the browser by the `altcha` widget. PBKDF2-SHA-256 at 1,000 iterations per try: the
 * browser runs it natively through WebCrypto, so a try costs a phone about what the measured
 * Node try costs times the CPU gap, and a script gains nothing from a better implementation.
 * Deterministic mode: the server picks the counter, uniformly in [difficulty / 2, difficulty],
 * and signs the derived key, so verifying is two HMACs, not a derivation.
 *
 * Bound to the SKU (`data.skuId`), expiring (CHALLENGE_TTL_S) and single-use: its signature is
 * marked used in Redis (SET NX, until it would have expired anyway) by the join that spends it.
 */
const ALGORITHM = "PBKDF2/SHA-256";
const COST = 1_000;
export const CHALLENGE_TTL_S = 300;

const secret = (purpose: string) => createHmac("sha256", env().SESSION_SECRET).update(`altcha:${purpose}`).digest("hex");

export async function newChallenge(skuId: number, difficulty: number): Promise<Challenge> {
  return createChallenge({
    algorithm: ALGORITHM,
    cost: COST,
    counter: randomInt(Math.max(1, difficulty), Math.floor(difficulty / 2)),
    deriveKey,
    data: { skuId },
    expiresAt: new Date(Date.now() + CHALLENGE_TTL_S * 1000),
    hmacSignatureSecret: secret("signature"),
    hmacKeySignatureSecret: secret("key"),
  });
}

/** The widget's value (base64 of JSON `{ challenge, solution }`), or that object itself. */
export const challengeSolutionSchema = z.union([z.string().max(8_192), z.record(z.string(), z.unknown())], { error: "challengeSolution must be the ALTCHA widget's payload." });

const payloadSchema = z.object({
  challenge: z.object({ parameters: z.record(z.string(), z.unknown()), signature: z.string().max(512) }),
  solution: z.object({ counter: z.number().int().min(0), derivedKey: z.string().max(512), time: z.number().optional() }),
});

function decode(solution: unknown) {
  let value = solution;
  if (typeof value === "string") {
    try {
      value = JSON.parse(Buffer.from(value, "base64").toString("utf8"));
    } catch {
      return null;
    }
  }
  const parsed = payloadSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

const failed = (message: string) => new AppError("CHALLENGE_FAILED", { message });

/** Checks a solution for this SKU and spends its challenge; CHALLENGE_FAILED for anything else. */
export async function spendSolution(skuId: number, solution: unknown): Promise<void> {
  const payload = decode(solution);
  if (!payload) throw failed("That is not a solved challenge. Reload the page and try again.");
  const challenge = payload.challenge as unknown as Challenge;
  const result = await verifySolution({
    challenge,
    solution: payload.solution as Solution,
    deriveKey,
    hmacSignatureSecret: secret("signature"),
    hmacKeySignatureSecret: secret("key"),
  });
  if (result.expired) throw failed("The check expired before it was sent. Reload the page and try again.");
  if (!result.verified || challenge.parameters.data?.skuId !== skuId) throw failed("The check did not pass. Reload the page and try again.");
  const ttlMs = Math.max(1_000, (challenge.parameters.expiresAt ?? 0) * 1000 - Date.now() + 1_000);
  const fresh = await getRedis().set(`wr:{sku:${skuId}}:pow:${challenge.signature}`, "1", "PX", ttlMs, "NX");
  if (fresh !== "OK") throw failed("That check was already used. Reload the page and try again.");
}

/** `POST /api/drops/:skuId/queue`'s body. */
export const joinQueueSchema = z.object({ challengeSolution: challengeSolutionSchema });
