"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError } from "@/app/api-client";
import type { QueueBoard } from "@/lib/drops/queue";
import type { DropLive } from "@/lib/drops/live";
import { LIVE_WINDOW_S } from "@/lib/drops/live-series";

const dropLiveKey = (skuId: number) => ["admin", "drop-live", skuId] as const;

/** How often the drop view asks for the newest seconds while the tab is visible. */
export const DROP_POLL_MS = 1_000;
/** The newest seconds may still grow (checkouts finishing, other processes' counts arriving): asked again every time. */
const REREAD_S = 3;

/**
 * One SKU's drop, polled every second with one request: after the first answer, only the newest
 * seconds are asked for and merged into the ones already here (at most the server's window).
 */
export function useDropLive(skuId: number) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: dropLiveKey(skuId),
    queryFn: async () => {
      const before = qc.getQueryData<DropLive>(dropLiveKey(skuId));
      const newest = before?.seconds.at(-1)?.t;
      const since = newest === undefined ? undefined : newest - REREAD_S;
      const fresh = await api<DropLive>(`/api/admin/drops/${skuId}/live${since === undefined ? "" : `?since=${since}`}`);
      if (!before || fresh.seconds.length === 0) return fresh;
      const first = fresh.seconds[0]!.t;
      const seconds = [...before.seconds.filter((s) => s.t < first), ...fresh.seconds].slice(-LIVE_WINDOW_S);
      return { ...fresh, seconds };
    },
    refetchInterval: DROP_POLL_MS,
    // A hidden tab stops polling; React Query refetches as soon as it is visible again.
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
    staleTime: 0,
  });
}

const dropQueueKey = (skuId: number) => ["admin", "drop-queue", skuId] as const;

export type QueueReading = QueueBoard & { readAt: number; admittedPerSecond: number | null };

/**
 * The drop's waiting room, polled beside the drop every second (`GET /api/admin/drops/:skuId/queue`),
 * with the rate shoppers were let in since the reading before; null when the SKU has none (404
 * QUEUE_NOT_FOUND), asked again in case the owner switches it on.
 */
export function useDropQueue(skuId: number) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: dropQueueKey(skuId),
    queryFn: async (): Promise<QueueReading | null> => {
      const before = qc.getQueryData<QueueReading | null>(dropQueueKey(skuId));
      try {
        const { queue } = await api<{ queue: QueueBoard }>(`/api/admin/drops/${skuId}/queue`);
        const readAt = performance.now();
        const span = before ? (readAt - before.readAt) / 1000 : 0;
        const admittedPerSecond = before && span > 0.2 ? Math.max(0, queue.passes.admitted - before.passes.admitted) / span : null;
        return { ...queue, readAt, admittedPerSecond };
      } catch (e) {
        if (e instanceof ApiError && e.code === "QUEUE_NOT_FOUND") return null;
        throw e;
      }
    },
    refetchInterval: DROP_POLL_MS,
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
    staleTime: 0,
  });
}
