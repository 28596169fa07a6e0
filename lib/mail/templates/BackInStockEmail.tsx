import { Body, Button, Container, Head, Heading, Html, Link, Preview, Section, Text } from "@react-email/components";
import type { BackInStockMail } from "../content";

const page = { backgroundColor: "#f6f6f4", fontFamily: "Helvetica, Arial, sans-serif", color: "#1c1c1c" };
const box = { backgroundColor: "#ffffff", margin: "0 auto", padding: "24px", maxWidth: "560px" };
const button = { backgroundColor: "#1c1c1c", color: "#ffffff", padding: "12px 20px", borderRadius: "6px", textDecoration: "none" };
const small = { color: "#666666", fontSize: "12px" };

/** One line however the name was typed: a CR or LF in a header would start a header of its own. */
export const backInStockSubject = (name: string) => `Back in stock: ${name}`.replace(/[\r\n]+/g, " ");

/** "It's back": the variant, the link to its product, and the unsubscribe link (the subscription ends with this e-mail). */
export function BackInStockEmail({ name, link, unsubscribeLink }: BackInStockMail) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{backInStockSubject(name)}</Preview>
      <Body style={page}>
        <Container style={box}>
          <Heading as="h1">It&apos;s back in stock</Heading>
          <Text>{name} is back. You asked us to tell you; units are limited and go to whoever orders first.</Text>
          <Section>
            <Button href={link} style={button}>
              Shop it now
            </Button>
          </Section>
          <Text>Or open this link: {link}</Text>
          <Text style={small}>
            This was a one-time alert: you will not hear about this item again unless you ask. Did not ask for it?{" "}
            <Link href={unsubscribeLink}>Unsubscribe</Link> ({unsubscribeLink})
          </Text>
        </Container>
      </Body>
    </Html>
  );
}
