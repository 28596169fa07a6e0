"use client";

import Link from "next/link";
import { useActionState, useState } from "react";
import type { SignedIn } from "@/app/session/actions";
import { SubmitButton } from "@/app/components/SubmitButton";

type Props = {
  action: (prev: SignedIn, form: FormData) => Promise<SignedIn>;
  submitLabel: string;
  pendingLabel: string;
  next: string;
  mode: "login" | "register";
};

export const PASSWORD_RULE = "At least 8 characters.";

/**
 * Log in and register. The username is kept after any error (the password never is); an error
 * about a field is said at that field, anything else once above the form.
 */
export function AuthForm({ action, submitLabel, pendingLabel, next, mode }: Props) {
  const [state, formAction] = useActionState(async (prev: SignedIn, form: FormData) => {
    const result = await action(prev, form);
    // A whole page load: every page and query asks again as the signed-in shopper, and nothing
    // in flight from the guest's page (a refresh, a navigation) can land afterwards.
    if (result?.ok) window.location.assign(result.data.next);
    return result;
  }, null);
  // Controlled: React resets a form's uncontrolled fields after its action runs.
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const failed = state && !state.ok ? state : null;
  const errors: Record<string, string | undefined> = {
    username: failed?.fieldErrors?.username?.[0] ?? (failed?.code === "USERNAME_TAKEN" ? failed.message : undefined),
    password: failed?.fieldErrors?.password?.[0],
    email: failed?.fieldErrors?.email?.[0],
  };
  const summary = failed && !errors.username && !errors.password && !errors.email ? failed.message : null;
  const hintId = mode === "register" ? "password-rule" : undefined;
  return (
    <form action={formAction} className="form" noValidate>
      <input type="hidden" name="next" value={next} />
      <div aria-live="polite">
        {summary && (
          <p className="alert error" role="alert">
            {summary}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="username">Username</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          aria-invalid={errors.username ? true : undefined}
          aria-describedby={[mode === "register" ? "username-rule" : "", errors.username ? "username-error" : ""].filter(Boolean).join(" ") || undefined}
        />
        {mode === "register" && (
          <span id="username-rule" className="field-hint">
            3–32 letters, digits, _ . or -.
          </span>
        )}
        {errors.username && (
          // The first error at a field is the one announced; each is said once, where it belongs.
          <span id="username-error" className="field-error" role="alert">
            {errors.username}
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
          minLength={mode === "register" ? 8 : undefined}
          aria-invalid={errors.password ? true : undefined}
          aria-describedby={[hintId ?? "", errors.password ? "password-error" : ""].filter(Boolean).join(" ") || undefined}
        />
        {hintId && (
          <span id={hintId} className="field-hint">
            {PASSWORD_RULE}
          </span>
        )}
        {errors.password && (
          <span id="password-error" className="field-error" role={errors.username ? undefined : "alert"}>
            {errors.password}
          </span>
        )}
      </div>
      {mode === "register" && (
        <div className="field">
          <label htmlFor="email">E-mail (optional)</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={errors.email ? true : undefined}
            aria-describedby={["email-rule", errors.email ? "email-error" : ""].filter(Boolean).join(" ")}
          />
          <span id="email-rule" className="field-hint">
            Orders you placed as a guest with this e-mail can be added to your account from their links.
          </span>
          {errors.email && (
            <span id="email-error" className="field-error" role={errors.username || errors.password ? undefined : "alert"}>
              {errors.email}
            </span>
          )}
        </div>
      )}
      <SubmitButton pendingLabel={pendingLabel} style={{ width: "100%" }}>
        {submitLabel}
      </SubmitButton>
      <p className="muted" style={{ marginBottom: 0 }}>
        {/* Underlined: in a sentence, colour alone does not tell a link from its text. */}
        {mode === "login" ? (
          <>
            New here?{" "}
            <Link href={`/register?next=${encodeURIComponent(next)}`} className="inline-link">
              Create an account
            </Link>
          </>
        ) : (
          <>
            Already have an account?{" "}
            <Link href={`/login?next=${encodeURIComponent(next)}`} className="inline-link">
              Log in instead
            </Link>
          </>
        )}
      </p>
    </form>
  );
}
