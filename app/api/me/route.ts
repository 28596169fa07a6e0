import { NextResponse } from "next/server";
import { requireUser, route } from "@/lib/web/http";

export const GET = route(async (req) => NextResponse.json({ user: await requireUser(req) }));
