import { credentialsSchema } from "@/lib/auth/schemas";
import { sessionResponse } from "@/lib/web/session-response";
import { signUp } from "@/lib/auth/service";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { readJson, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

export const POST = route(async (req) => {
  const input = await readJson(req, credentialsSchema);
  const { user, session } = await signUp(input, req.cookies.get(SESSION_COOKIE)?.value);
  return sessionResponse(req, user, session, 201);
});
