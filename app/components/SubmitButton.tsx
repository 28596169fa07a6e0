"use client";

import { useFormStatus } from "react-dom";

/** A form's submit button that says it is working and cannot be pressed twice while the form posts. */
export function SubmitButton({
  children,
  pendingLabel,
  className = "btn",
  disabled = false,
  style,
  ...rest
}: { children: React.ReactNode; pendingLabel: string; className?: string; disabled?: boolean; style?: React.CSSProperties } & Omit<
  React.ButtonHTMLAttributes<HTMLButtonElement>,
  "type" | "children" | "className" | "disabled" | "style"
>) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className={className} disabled={disabled || pending} aria-disabled={disabled || pending} style={style} {...rest}>
      {pending ? pendingLabel : children}
    </button>
  );
}
