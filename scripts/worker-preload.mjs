// Loaded with `--import` into every `next start` worker the launcher forks (scripts/start.mjs):
// each request carries its socket's address in a header no client can set
// (lib/platform/peer-address.mjs), and each answer a shared cache may keep says until which
// second the front may keep it (lib/platform/front-expiry.mjs).
import { stampFrontExpiry } from "../lib/platform/front-expiry.mjs";
import { stampPeerAddresses } from "../lib/platform/peer-address.mjs";

stampPeerAddresses();
stampFrontExpiry();
