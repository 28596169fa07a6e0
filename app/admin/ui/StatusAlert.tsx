import type { ActionState } from "@/lib/web/action";

/**
 * A move's answer in a live region: a success line (role="status") or a refusal (role="alert").
 * Rendered empty when there is nothing to say, so the region exists before its first words.
 */
export function StatusAlert({ success, error }: { success?: React.ReactNode; error?: React.ReactNode }) {
  return (
    <div aria-live="polite">
      {success && (
        <p className="alert success" role="status">
          {success}
        </p>
      )}
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * A form's answer above its fields: the success line, or a refusal that is not about one field
 * (field errors are said at their field), once.
 */
export function FormOutcome<T>({ shown, fieldErrors, success }: { shown: ActionState<T>; fieldErrors?: Record<string, string[] | undefined>; success: (data: T) => string }) {
  return <StatusAlert success={shown?.ok ? success(shown.data) : undefined} error={shown && !shown.ok && !fieldErrors ? shown.message : undefined} />;
}
