"use client";

import { useQuery } from "@tanstack/react-query";
import { api, ApiError } from "@/app/api-client";
import type { SessionUser } from "@/lib/auth/session";

const ME_KEY = ["me"] as const;

/**
 * Who is signed in, asked of the server by the browser: public pages are cached for everyone, so
 * nothing about the shopper is in their HTML. null for a guest.
 */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async () => {
      try {
        return (await api<{ user: SessionUser }>("/api/me")).user;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
  });
}
