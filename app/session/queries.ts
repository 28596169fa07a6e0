"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "@/app/api-client";
import type { SessionUser } from "@/lib/auth/session";

const ME_KEY = ["me"] as const;

/**
 * Who is signed in, asked of the server by the browser: public pages are cached for everyone, so
 * nothing about the shopper is in their HTML. null for a guest (GET /api/me answers `{ user: null }`).
 */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async () => (await api<{ user: SessionUser | null }>("/api/me")).user,
  });
}
