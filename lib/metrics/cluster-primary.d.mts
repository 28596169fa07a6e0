import type { AggregatorRegistry, PrometheusContentType } from "prom-client";

export declare const METRICS_REQUEST: "stockroom:metrics-request";
export declare const METRICS_RESPONSE: "stockroom:metrics-response";
export declare const CLUSTER_METRICS_ENV: "STOCKROOM_CLUSTER_METRICS";
export declare function setupClusterMetrics(): AggregatorRegistry<PrometheusContentType>;
