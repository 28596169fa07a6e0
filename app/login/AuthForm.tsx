"use client";

import Link from "next/link";
import { useActionState } from "react";
import type { ActionState } from "@/lib/action-state";

type Props = {
  action: (prev: ActionState, form: FormData) => Promise<ActionState>;
  submitLabel: string;
  next: string;
  mode: "login" | "register";
};

export function AuthForm({ action, submitLabel, next, mode }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="form" noValidate>
      <input type="hidden" name="next" value={next} />
      <div aria-live="polite">
        {state && !state.ok && (
          <p className="alert error" role="alert">
            {state.message}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="username">Username</label>
        <input id="username" name="username" autoComplete="username" required aria-describedby="username-error" />
        {errors?.username && (
          <span id="username-error" className="field-error">
            {errors.username[0]}
          </span>
        )}
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete={mode === "login" ? "current-password" : "new-password"}
          required
          aria-describedby="password-error"
        />
        {errors?.password && (
          <span id="password-error" className="field-error">
            {errors.password[0]}
          </span>
        )}
      </div>
      <button type="submit" className="btn" disabled={pending} style={{ width: "100%" }}>
        {submitLabel}
      </button>
      <p className="muted" style={{ marginBottom: 0 }}>
        {mode === "login" ? (
          <>
            New here? <Link href={`/register?next=${encodeURIComponent(next)}`}>Create an account</Link>
          </>
        ) : (
          <>
            Already have an account? <Link href={`/login?next=${encodeURIComponent(next)}`}>Log in instead</Link>
          </>
        )}
      </p>
    </form>
  );
}
