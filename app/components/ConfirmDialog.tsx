"use client";

import { useId, useRef } from "react";

type Props = {
  /** The button that opens the dialog, e.g. "Cancel order". */
  triggerLabel: React.ReactNode;
  /** Shown on the trigger while the confirmed action runs, e.g. "Cancelling…". */
  pendingLabel: React.ReactNode;
  /** The dialog's heading: a question, e.g. "Cancel order SR-7K3F92?". */
  title: string;
  /** What will happen, said before it does. */
  description: React.ReactNode;
  /** The confirming button, e.g. "Yes, cancel order". */
  confirmLabel: string;
  /** The dismissing button, e.g. "Keep order". */
  dismissLabel?: string;
  /** A form action (a server action or useActionState's dispatcher); or use onConfirm. */
  action?: (form: FormData) => void;
  onConfirm?: () => void;
  pending?: boolean;
  disabled?: boolean;
  triggerClassName?: string;
  /** "danger" for destructive moves (cancel), "" for ordinary ones (ship, complete). */
  tone?: "danger" | "";
  /** Hidden inputs the confirming form should send. */
  children?: React.ReactNode;
};

/**
 * A button that asks before it acts: it opens a modal `<dialog>` (focus is trapped and Escape
 * dismisses it, both native), and only the confirming button runs the action. Dismissing changes
 * nothing. Shared by the shopper's Cancel and the admin's Ship / Complete.
 */
export function ConfirmDialog({
  triggerLabel,
  pendingLabel,
  title,
  description,
  confirmLabel,
  dismissLabel = "Go back",
  action,
  onConfirm,
  pending = false,
  disabled = false,
  triggerClassName = "btn secondary",
  tone = "danger",
  children,
}: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();
  return (
    <>
      <button type="button" className={triggerClassName} disabled={disabled || pending} onClick={() => ref.current?.showModal()}>
        {pending ? pendingLabel : triggerLabel}
      </button>
      <dialog ref={ref} className="confirm-dialog" aria-labelledby={titleId} aria-describedby={descId}>
        <form
          action={action}
          onSubmit={(e) => {
            if (!action) e.preventDefault();
            ref.current?.close();
            onConfirm?.();
          }}
        >
          {children}
          <h2 id={titleId}>{title}</h2>
          <div id={descId}>{description}</div>
          <div className="row confirm-actions">
            <button type="button" className="btn secondary" autoFocus onClick={() => ref.current?.close()}>
              {dismissLabel}
            </button>
            <button type="submit" className={tone === "danger" ? "btn danger" : "btn"}>
              {confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
