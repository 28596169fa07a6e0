export declare const PEER_ADDRESS_HEADER: "x-stockroom-peer-address";
export declare function normalizeAddress(address: string): string;
export declare function stampPeerAddresses(): void;
