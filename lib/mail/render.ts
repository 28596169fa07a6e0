import "server-only";
import { render } from "@react-email/render";
import { createElement } from "react";
import type { OrderMail } from "./content";
import { COPY } from "./templates/copy";
import { OrderEmail } from "./templates/OrderEmail";

export type Rendered = { subject: string; html: string; text: string };

/** An order e-mail as it goes out: subject, HTML and its plain-text part (React Email). */
export async function renderOrderMail(mail: OrderMail): Promise<Rendered> {
  const element = createElement(OrderEmail, mail);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: COPY[mail.kind].subject(mail.order.orderNumber), html, text };
}
