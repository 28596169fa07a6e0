import "server-only";
import { forbidden } from "next/navigation";
import { requirePageUser } from "@/lib/auth/current";
import type { SessionUser } from "@/lib/auth/session";

/**
 * The one door of every console page: a guest is sent to log in (and back to `path` after), a
 * shopper gets the 403 page with status 403 (app/forbidden.tsx; `forbidden()` needs the
 * `authInterrupts` flag in next.config.mjs). Called first by each room's page, before it reads
 * anything: a layout cannot know the path to come back to, and Next renders a page beside its
 * layout, not after it. Server actions and API routes check for themselves (`asUser`, `route()`).
 */
export async function requireAdmin(path: string): Promise<SessionUser> {
  const user = await requirePageUser(path);
  if (user.role !== "admin") forbidden();
  return user;
}
