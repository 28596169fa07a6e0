// Loaded with `--import` into every `next start` worker the launcher forks (scripts/start.mjs):
// each request carries its socket's address in a header no client can set (lib/platform/peer-address.mjs).
import { stampPeerAddresses } from "../lib/platform/peer-address.mjs";

stampPeerAddresses();
