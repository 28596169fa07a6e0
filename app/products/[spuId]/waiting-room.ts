"use client";

import { useEffect, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError } from "@/app/api-client";
import type { MyPlace, QueueStatus } from "@/lib/drops/queue";

/** How often a waiting shopper reads the line (the front answers from a copy at most 1 s old). */
export const QUEUE_POLL_MS = 1_000;

type StatusReading = QueueStatus & { receivedAt: number };

/**
 * The line as everyone sees it, polled every second while the tab is visible: the one shared,
 * cacheable answer (`GET /api/drops/:skuId/queue/status`), so a crowd costs the app one request a
 * second. Polling stops once the line is closed.
 */
export function useQueueStatus(skuId: number, enabled: boolean) {
  return useQuery({
    queryKey: ["queue-status", skuId],
    queryFn: async (): Promise<StatusReading> => ({ ...(await api<QueueStatus>(`/api/drops/${skuId}/queue/status`)), receivedAt: performance.now() }),
    enabled,
    refetchInterval: (q) => (q.state.data?.state === "closed" ? false : QUEUE_POLL_MS),
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
    staleTime: 0,
  });
}

/**
 * The shopper's own place (`GET /api/drops/:skuId/queue/me`, never cached): asked once when the
 * page opens (a reload resumes the place), then only when the shared status says something
 * changed for this ticket: the launch drew the numbers, the ticket is served (the answer brings
 * the pass and sets its cookie), or the pass ran out. Never on every tick.
 */
export function useMyPlace(skuId: number, enabled: boolean) {
  return useQuery({
    queryKey: ["queue-me", skuId],
    queryFn: () => api<MyPlace>(`/api/drops/${skuId}/queue/me`),
    enabled,
    refetchOnWindowFocus: false,
    staleTime: Infinity,
  });
}

/** The server's time now, from the last status reading carried forward by the monotonic clock (never the phone's wall clock). */
export function serverNowOf(status: StatusReading | undefined): number | null {
  return status ? Date.parse(status.serverTime) + (performance.now() - status.receivedAt) : null;
}

/** Asks `me` again when the shared status moves past what the shopper's place says. */
export function useFollowLine(status: StatusReading | undefined, me: ReturnType<typeof useMyPlace>) {
  const place = me.data;
  const { refetch, isFetching } = me;
  const due =
    !!status &&
    !!place &&
    ((place.state === "prequeue" && status.state !== "upcoming") ||
      // Once a status newer than the place: a served ticket whose pass comes next (`me` paces passes) asks once a second, not in a loop.
      (place.state === "waiting" && "ticket" in place && place.ticket !== null && (status.serving >= place.ticket || status.state === "closed") && Date.parse(status.serverTime) > Date.parse(place.serverTime)) ||
      (place.state === "admitted" && "passExpiresAt" in place && (serverNowOf(status) ?? 0) >= Date.parse(place.passExpiresAt)));
  useEffect(() => {
    if (due && !isFetching) void refetch();
  }, [due, isFetching, refetch, status?.serving, status?.state]);
}

type WidgetElement = HTMLElement & { verify?: () => Promise<{ payload: string } | null> };

/**
 * The proof-of-work, solved in this browser by the ALTCHA widget (a web component, loaded only
 * here, never on the server). The widget fetches the drop's single-use challenge and works it out
 * in Web Workers; no third-party service is involved.
 */
export function useJoinLine(skuId: number) {
  const client = useQueryClient();
  const host = useRef<HTMLDivElement>(null);
  const [solving, setSolving] = useState(false);
  // Loaded as soon as the panel shows, so pressing Join does not wait for the script too.
  useEffect(() => {
    void import("altcha");
  }, []);
  const join = useMutation({
    mutationFn: async () => {
      setSolving(true);
      let payload: string | null = null;
      try {
        await import("altcha");
        const widget = document.createElement("altcha-widget") as WidgetElement;
        widget.setAttribute("challenge", `/api/drops/${skuId}/challenge`);
        widget.setAttribute("display", "invisible");
        widget.setAttribute("configuration", JSON.stringify({ hideFooter: true, hideLogo: true, credentials: "same-origin" }));
        host.current?.replaceChildren(widget);
        // The element gets its methods once it has mounted, a moment after it joins the document.
        for (let i = 0; i < 100 && typeof widget.verify !== "function"; i++) await new Promise((r) => setTimeout(r, 20));
        payload = (await widget.verify?.())?.payload ?? null;
        widget.remove();
      } finally {
        setSolving(false);
      }
      if (!payload) throw new ApiError(400, "CHALLENGE_FAILED", "The check could not run in this browser. Try again.");
      try {
        await api(`/api/drops/${skuId}/queue`, { method: "POST", body: { challengeSolution: payload } });
      } catch (e) {
        // Already in line (another tab, a double press): the same place, resumed below.
        if (!(e instanceof ApiError && e.code === "ALREADY_QUEUED")) throw e;
      }
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ["queue-me", skuId] });
      void client.invalidateQueries({ queryKey: ["queue-status", skuId] });
    },
  });
  return { join, solving, host };
}
