import { Body, Button, Column, Container, Head, Heading, Hr, Html, Preview, Row, Section, Text } from "@react-email/components";
import { formatMoney, toCents } from "@/lib/money";
import type { OrderMail } from "../content";
import { COPY } from "./copy";

const page = { backgroundColor: "#f6f6f4", fontFamily: "Helvetica, Arial, sans-serif", color: "#1c1c1c" };
const box = { backgroundColor: "#ffffff", margin: "0 auto", padding: "24px", maxWidth: "560px" };
const right = { textAlign: "right" as const };
const button = { backgroundColor: "#1c1c1c", color: "#ffffff", padding: "12px 20px", borderRadius: "6px", textDecoration: "none" };

/** Every order e-mail: what happened, the lines and totals, and the link to the order's page. */
export function OrderEmail({ kind, order, link }: OrderMail) {
  const copy = COPY[kind];
  const lineTotal = (price: string, count: number) => formatMoney(toCents(price) * count);
  return (
    <Html lang="en">
      <Head />
      <Preview>{copy.subject(order.orderNumber)}</Preview>
      <Body style={page}>
        <Container style={box}>
          <Heading as="h1">{copy.headline}</Heading>
          <Text>
            Hello {order.address.name}, {copy.intro}
          </Text>
          <Text>Order {order.orderNumber}</Text>
          {kind === "order_shipped" && (order.carrier || order.trackingNumber) && (
            <Text>
              {order.carrier ? `Carrier: ${order.carrier}` : ""}
              {order.carrier && order.trackingNumber ? " · " : ""}
              {order.trackingNumber ? `Tracking number: ${order.trackingNumber}` : ""}
            </Text>
          )}
          <Section>
            {order.lines.map((l) => (
              <Row key={l.skuId}>
                <Column>
                  {l.count} × {l.name}
                </Column>
                <Column style={right}>{lineTotal(l.price, l.count)}</Column>
              </Row>
            ))}
            <Hr />
            <Row>
              <Column>Shipping</Column>
              <Column style={right}>{formatMoney(order.freight)}</Column>
            </Row>
            <Row>
              <Column>Total</Column>
              <Column style={right}>{formatMoney(order.totalAmount)}</Column>
            </Row>
          </Section>
          <Section>
            <Button href={link} style={button}>
              View your order
            </Button>
          </Section>
          <Text>Or open this link: {link}</Text>
        </Container>
      </Body>
    </Html>
  );
}
