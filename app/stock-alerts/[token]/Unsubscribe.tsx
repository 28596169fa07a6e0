"use client";

import { useMutation } from "@tanstack/react-query";
import { api } from "@/app/api-client";

/** The unsubscribe page's one button: DELETE /api/stock-alerts/:token, then says it is done. */
export function Unsubscribe({ token, name, email }: { token: string; name: string; email: string }) {
  const stop = useMutation({ mutationFn: () => api<null>(`/api/stock-alerts/${encodeURIComponent(token)}`, { method: "DELETE" }) });
  if (stop.isSuccess)
    return (
      <p className="alert success" role="status" data-testid="alert-unsubscribed">
        Unsubscribed: {email} will not be e-mailed when {name} is back.
      </p>
    );
  return (
    <div className="stack">
      <p>
        {email} is waiting for an e-mail when <strong>{name}</strong> is back in stock.
      </p>
      <div>
        <button type="button" className="btn" disabled={stop.isPending} onClick={() => stop.mutate()}>
          {stop.isPending ? "Unsubscribing…" : "Unsubscribe"}
        </button>
      </div>
      <div aria-live="polite">
        {stop.isError && (
          <p className="alert error" role="alert">
            {stop.error.message}
          </p>
        )}
      </div>
    </div>
  );
}
