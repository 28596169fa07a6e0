"use client";

import { useActionState, useState } from "react";
import { SubmitButton } from "@/app/components/SubmitButton";
import type { ActionState } from "@/lib/web/action";
import type { ProductSaved } from "./actions";
import { FieldError, fieldErrorsOf, Outcome } from "./fields";
import styles from "./products.module.css";

type Values = { name: string; description: string; category: string };
type Props = {
  id: string;
  initial: Values;
  categories: string[];
  action: (prev: ActionState<ProductSaved>, form: FormData) => Promise<ActionState<ProductSaved>>;
  submitLabel: string;
  pendingLabel: string;
  /** The new product form offers Draft or Active; an existing one changes status with its own buttons. */
  withStatus?: boolean;
};

/** Name, description and category (pick one in use or type a new one); controlled, so a refusal keeps what was typed. */
export function ProductForm({ id, initial, categories, action, submitLabel, pendingLabel, withStatus = false }: Props) {
  const [state, dispatch] = useActionState(action, null);
  const [values, setValues] = useState(initial);
  const errors = fieldErrorsOf(state, { PRODUCT_NAME_TAKEN: "name" });
  const set = (field: keyof Values) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setValues((v) => ({ ...v, [field]: e.target.value }));
  const describedBy = (field: string) => (errors?.[field] ? `${id}-${field}-error` : `${id}-${field}-hint`);
  return (
    <form action={dispatch} className={styles.panel} noValidate>
      <Outcome state={state} fieldErrors={errors} success="Saved." />
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} name="name" value={values.name} onChange={set("name")} maxLength={128} required autoComplete="off" aria-invalid={!!errors?.name} aria-describedby={describedBy("name")} />
        {errors?.name ? <FieldError id={`${id}-name-error`} errors={errors.name} /> : <span id={`${id}-name-hint`} className="field-hint">Shown to shoppers; unique in the shop.</span>}
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea id={`${id}-description`} name="description" value={values.description} onChange={set("description")} rows={6} maxLength={5000} aria-invalid={!!errors?.description} aria-describedby={describedBy("description")} />
        {errors?.description ? (
          <FieldError id={`${id}-description-error`} errors={errors.description} />
        ) : (
          <span id={`${id}-description-hint`} className="field-hint">Plain text. Leave a blank line between paragraphs.</span>
        )}
      </div>
      <div className={styles.formGrid}>
        <div className="field">
          <label htmlFor={`${id}-category`}>Category</label>
          <input id={`${id}-category`} name="category" list={`${id}-categories`} value={values.category} onChange={set("category")} maxLength={64} required autoComplete="off" aria-invalid={!!errors?.category} aria-describedby={describedBy("category")} />
          <datalist id={`${id}-categories`}>
            {categories.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
          {errors?.category ? <FieldError id={`${id}-category-error`} errors={errors.category} /> : <span id={`${id}-category-hint`} className="field-hint">Pick one in use or type a new one.</span>}
        </div>
        {withStatus && (
          <div className="field">
            <label htmlFor={`${id}-status`}>Status</label>
            <select id={`${id}-status`} name="status" defaultValue="draft" aria-describedby={`${id}-status-hint`}>
              <option value="draft">Draft: hidden from shoppers</option>
              <option value="active">Active: on the shop at once</option>
            </select>
            <span id={`${id}-status-hint`} className="field-hint">Add variants to a draft, then publish it.</span>
          </div>
        )}
      </div>
      <SubmitButton pendingLabel={pendingLabel}>{submitLabel}</SubmitButton>
    </form>
  );
}
