import type { Worker } from "node:cluster";

export declare const METRICS_REQUEST: "stockroom:metrics-request";
export declare const METRICS_RESPONSE: "stockroom:metrics-response";
export declare const CLUSTER_METRICS_ENV: "STOCKROOM_CLUSTER_METRICS";
export declare function metricsRequestHandler(): (worker: Worker, message: { type: string; id: string }) => void;
export declare function setupClusterMetrics(): void;
