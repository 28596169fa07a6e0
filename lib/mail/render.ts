import "server-only";
import { render, toPlainText } from "@react-email/render";
import { createElement } from "react";
import type { OrderMail } from "./content";
import { COPY } from "./templates/copy";
import { OrderEmail } from "./templates/OrderEmail";

export type Rendered = { subject: string; html: string; text: string };

/** An order e-mail as it goes out: subject, HTML (React Email) and the plain-text part made from that HTML. */
export async function renderOrderMail(mail: OrderMail): Promise<Rendered> {
  const html = await render(createElement(OrderEmail, mail));
  return { subject: COPY[mail.kind].subject(mail.order.orderNumber), html, text: toPlainText(html) };
}
