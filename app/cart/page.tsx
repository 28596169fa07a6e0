import type { Metadata } from "next";
import { CartTable } from "./CartTable";

export const metadata: Metadata = { title: "Cart" };

export default function CartPage() {
  return (
    <>
      <h1>Your cart</h1>
      <CartTable />
    </>
  );
}
