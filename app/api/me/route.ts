import { NextResponse } from "next/server";
import { optionalUser, route } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** Who is signed in: `{ user }`, or `{ user: null }` for a guest (200 either way: being a guest is not an error). */
export const GET = route(async (req) => NextResponse.json({ user: await optionalUser(req) }));
