import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { AppError, isDuplicateKey } from "@/lib/errors";
import { DUMMY_HASH, hashPassword, verifyPassword } from "./password";
import type { Credentials } from "./schemas";
import { createSession, destroySession, type SessionUser } from "./session";
import { assertLoginAllowed, recordLoginFailure, recordLoginSuccess } from "./throttle";

/** Creates a shopper. The unique index decides races between equal usernames. */
export async function register({ username, password, email }: Credentials): Promise<SessionUser> {
  const passwordHash = await hashPassword(password);
  try {
    const [row] = await getDb().insert(users).values({ username, passwordHash, role: "shopper", email: email ?? null }).$returningId();
    return { id: row!.id, username, role: "shopper" };
  } catch (e) {
    if (isDuplicateKey(e)) throw new AppError("USERNAME_TAKEN");
    throw e;
  }
}

async function authenticate(username: string, password: string): Promise<SessionUser> {
  const [user] = await getDb().select().from(users).where(eq(users.username, username)).limit(1);
  // A guest owner (lib/orders/guests.ts) has no password: it is checked against the dummy, and refused.
  const ok = await verifyPassword(password, user && user.role !== "guest" ? user.passwordHash : DUMMY_HASH);
  if (!user || user.role === "guest" || !ok) throw new AppError("INVALID_CREDENTIALS");
  return { id: user.id, username: user.username, role: user.role };
}

/**
 * Logs in with a fresh session (rotation); the session the browser had before, if any, ends.
 * Failures are counted per username and per (client address, username) (lib/auth/throttle.ts);
 * a counter that asks for a wait refuses the attempt before the password is even checked.
 */
export async function logIn(username: string, password: string, previousToken: string | undefined, ip: string | null) {
  await assertLoginAllowed(username, ip);
  let user: SessionUser;
  try {
    user = await authenticate(username, password);
  } catch (e) {
    if (e instanceof AppError && e.code === "INVALID_CREDENTIALS") await recordLoginFailure(username, ip);
    throw e;
  }
  await recordLoginSuccess(username, ip);
  await destroySession(previousToken);
  const session = await createSession(user.id);
  return { user, session };
}

export async function signUp(credentials: Credentials, previousToken?: string) {
  const user = await register(credentials);
  await destroySession(previousToken);
  const session = await createSession(user.id);
  return { user, session };
}

export const logOut = destroySession;
