"use client";

import { useState } from "react";
import { quantityProblem, type Room } from "@/lib/cart/limits";

type Props = { skuId: number; name: string; count: number; room: Room; disabled: boolean; onSet: (count: number) => void };

/**
 * A cart line's quantity: stepped with − and +, or typed and checked when the field is left or
 * Enter is pressed. A quantity the line cannot hold is refused here with what it can hold
 * (lib/cart/limits.ts), before anything is sent; lowering a line that stock fell under is always
 * allowed, as the cart service allows it.
 */
export function LineQuantity({ skuId, name, count, room, disabled, onSet }: Props) {
  const [typed, setTyped] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const errorId = `qty-error-${skuId}`;
  const commit = () => {
    if (typed === null) return;
    const asked = Number(typed);
    const lowering = typed.trim() !== "" && Number.isInteger(asked) && asked >= 1 && asked <= count;
    const why = lowering ? null : quantityProblem(typed, room, true);
    setProblem(why);
    if (why) return;
    setTyped(null);
    if (asked !== count) onSet(asked);
  };
  const step = (to: number) => {
    setTyped(null);
    setProblem(null);
    onSet(to);
  };
  return (
    <>
      <div className="stepper" role="group" aria-label={`Quantity of ${name}`}>
        <button type="button" aria-label={`Decrease quantity of ${name}`} disabled={disabled || count <= 1} onClick={() => step(count - 1)}>
          −
        </button>
        <input
          type="number"
          inputMode="numeric"
          min={1}
          max={Math.max(1, room.max, count)}
          aria-label={`Quantity of ${name}`}
          value={typed ?? count}
          disabled={disabled}
          onChange={(e) => {
            setTyped(e.target.value);
            setProblem(null);
          }}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key !== "Enter") return;
            e.preventDefault();
            commit();
          }}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? errorId : undefined}
        />
        <button type="button" aria-label={`Increase quantity of ${name}`} disabled={disabled || count >= room.max} onClick={() => step(count + 1)}>
          +
        </button>
      </div>
      {problem && (
        <span id={errorId} className="field-error" role="alert" data-testid={`qty-error-${skuId}`}>
          {problem}
        </span>
      )}
    </>
  );
}
