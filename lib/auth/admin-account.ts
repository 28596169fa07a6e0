// No "server-only": `npm run admin:create` (scripts/admin-create.ts) runs this outside Next.js.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { affectedRows, getDb } from "@/db";
import { sessions, users } from "@/db/schema";
import { AppError, isDuplicateKey } from "@/lib/errors";
import { hashPassword } from "./password";
import { credentialsSchema } from "./schemas";

export type AdminAccountResult = { id: number; username: string; outcome: "created" | "reset"; sessionsEnded: number };

/**
 * Creates an admin, or gives an existing admin a new password and ends every session it had (a
 * reset is what an owner does after a leak). Username and password follow the rules of
 * registration (`credentialsSchema`: the same minimum length); the hash is the login's own.
 * A shopper's username is refused (USERNAME_TAKEN): nobody's account is turned into an admin.
 */
export async function createOrResetAdmin(input: { username: string; password: string }): Promise<AdminAccountResult> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("VALIDATION", { message: parsed.error.issues[0]!.message, details: { fieldErrors: z.flattenError(parsed.error).fieldErrors } });
  }
  const { username, password } = parsed.data;
  const passwordHash = await hashPassword(password);
  const attempt = () =>
    getDb().transaction(
      async (tx) => {
        const [user] = await tx.select({ id: users.id, role: users.role }).from(users).where(eq(users.username, username)).for("update");
        if (user && user.role !== "admin") throw new AppError("USERNAME_TAKEN", { message: `${username} is a shopper's username; choose another for the admin.` });
        if (!user) {
          const [row] = await tx.insert(users).values({ username, passwordHash, role: "admin" }).$returningId();
          return { id: row!.id, username, outcome: "created" as const, sessionsEnded: 0 };
        }
        await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
        const ended = affectedRows(await tx.delete(sessions).where(eq(sessions.userId, user.id)));
        return { id: user.id, username, outcome: "reset" as const, sessionsEnded: ended };
      },
      { isolationLevel: "read committed" },
    );
  try {
    return await attempt();
  } catch (e) {
    // Two creations of one new name at once: the unique index let one in; the other resets it.
    if (isDuplicateKey(e)) return attempt();
    throw e;
  }
}
