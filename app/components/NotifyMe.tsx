"use client";

import { useId, useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { api, ApiError } from "@/app/api-client";

type Props = {
  skuId: number;
  /** "Phone X — 128 GB": said to screen readers, so two forms on one page are told apart. */
  name: string;
  /** Signed in: the account's e-mail is used and the field stays hidden unless the account has none. */
  signedIn: boolean;
  /** The cart line's smaller form. */
  compact?: boolean;
};

/**
 * "Notify me when it's back" on a sold-out variant (POST /api/stock-alerts). A guest types an
 * e-mail; a signed-in shopper just presses the button. What was typed stays on an error; the
 * answer is said once, in the live region under the form.
 */
export function NotifyMe({ skuId, name, signedIn, compact = false }: Props) {
  const id = useId();
  const [email, setEmail] = useState("");
  // A signed-in account without an e-mail is asked for one (the server answers VALIDATION on `email`).
  const [askEmail, setAskEmail] = useState(!signedIn);
  const subscribe = useMutation({
    mutationFn: (body: { skuId: number; email?: string }) => api<{ alert: { skuId: number; email: string } }>("/api/stock-alerts", { method: "POST", body }),
    onError: (e) => {
      if (e instanceof ApiError && e.code === "VALIDATION") setAskEmail(true);
    },
  });
  const showField = askEmail || !signedIn;
  const error = subscribe.error;
  const fieldError = error instanceof ApiError && error.code === "VALIDATION" ? error.message : null;
  const errorId = `${id}-error`;

  if (subscribe.isSuccess)
    return (
      <p className="alert success notify-me-done" role="status" data-testid={`notify-me-done-${skuId}`}>
        We will e-mail {subscribe.data.alert.email} once when it is back.
      </p>
    );

  return (
    <form
      className={compact ? "notify-me compact" : "notify-me"}
      noValidate
      aria-label={`Notify me when ${name} is back`}
      data-testid={`notify-me-${skuId}`}
      onSubmit={(e) => {
        e.preventDefault();
        subscribe.mutate({ skuId, ...(showField && { email }) });
      }}
    >
      {!compact && <p className="notify-me-lead">Sold out for now. Leave your e-mail and we will write once when it is back.</p>}
      <div className="notify-me-row">
        {showField && (
          <label className="field notify-me-field">
            <span className={compact ? "visually-hidden" : undefined}>E-mail</span>
            <input
              type="email"
              name="email"
              autoComplete="email"
              inputMode="email"
              placeholder="you@example.com"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              required
            />
          </label>
        )}
        <button type="submit" className={compact ? "btn secondary small" : "btn"} disabled={subscribe.isPending}>
          {subscribe.isPending ? "Saving…" : "Notify me when it's back"}
        </button>
      </div>
      <div aria-live="polite">
        {error && (
          <p id={errorId} className={fieldError ? "field-error" : "alert error"} role="alert" style={{ margin: 0 }}>
            {error.message}
          </p>
        )}
      </div>
    </form>
  );
}
