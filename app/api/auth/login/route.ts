import { sessionResponse } from "@/lib/web/session-response";
import { loginSchema } from "@/lib/auth/schemas";
import { logIn } from "@/lib/auth/service";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { clientIp } from "@/lib/auth/client-address";
import { readJson, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

export const POST = route(async (req) => {
  const { username, password } = await readJson(req, loginSchema);
  const { user, session } = await logIn(username, password, req.cookies.get(SESSION_COOKIE)?.value, clientIp(req.headers));
  return sessionResponse(req, user, session, 200);
});
