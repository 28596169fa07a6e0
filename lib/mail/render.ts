import "server-only";
import { render } from "@react-email/render";
import { createElement } from "react";
import type { BackInStockMail, OrderMail } from "./content";
import { BackInStockEmail, backInStockSubject } from "./templates/BackInStockEmail";
import { COPY } from "./templates/copy";
import { OrderEmail } from "./templates/OrderEmail";
import { backInStockText, orderText } from "./templates/text";

export type Rendered = { subject: string; html: string; text: string };

/** An order e-mail as it goes out: subject, HTML (React Email) and the plain-text part. */
export async function renderOrderMail(mail: OrderMail): Promise<Rendered> {
  const html = await render(createElement(OrderEmail, mail));
  return { subject: COPY[mail.kind].subject(mail.order.orderNumber), html, text: orderText(mail) };
}

/** A back-in-stock e-mail: the subject carries an owner-typed name, kept to one line whatever it holds. */
export async function renderBackInStock(mail: BackInStockMail): Promise<Rendered> {
  const html = await render(createElement(BackInStockEmail, mail));
  return { subject: backInStockSubject(mail.name), html, text: backInStockText(mail) };
}
