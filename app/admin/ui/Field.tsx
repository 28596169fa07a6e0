/** A field's error under it, said once (role="alert"); the input points at it with aria-describedby. */
export function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <span id={id} className="field-error" role="alert">
      {errors[0]}
    </span>
  );
}

/** Under a field: its error when it has one, else its hint (`noteOf` names whichever is shown). */
export function FieldNote({ id, errors, children }: { id: string; errors?: string[]; children: React.ReactNode }) {
  if (errors) return <FieldError id={`${id}-error`} errors={errors} />;
  return (
    <span id={`${id}-hint`} className="muted" style={{ fontSize: "0.85rem" }}>
      {children}
    </span>
  );
}

/** The id of what FieldNote shows under field `id`: for the input's aria-describedby. */
export const noteOf = (id: string, errors?: string[]) => (errors ? `${id}-error` : `${id}-hint`);
