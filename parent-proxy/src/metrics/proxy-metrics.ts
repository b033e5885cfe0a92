/**
 * The proxy's Prometheus metrics, written in the text exposition format 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats). Hand-written because it is four families and a
 * client library would be the proxy's largest dependency.
 */

/** Seconds; spans sub-millisecond session-mode inferences to slow uploads. */
const LATENCY_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

interface Histogram {
  readonly counts: number[];
  sum: number;
  count: number;
}

export interface GaugeSource {
  readonly enclaves: () => readonly { address: string; connected: boolean; inFlight: number; connects: number }[];
}

export class ProxyMetrics {
  readonly #requests = new Map<string, number>();
  readonly #latency = new Map<string, Histogram>();
  readonly #errors = new Map<string, number>();
  readonly #gauges: GaugeSource;

  constructor(gauges: GaugeSource) {
    this.#gauges = gauges;
  }

  /** `route` is the route pattern (never the raw URL: model names would make unbounded label sets). */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = labels({ method, route, status: String(status) });
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    const routeKey = labels({ route });
    let histogram = this.#latency.get(routeKey);
    if (histogram === undefined) {
      histogram = { counts: LATENCY_BUCKETS_S.map(() => 0), sum: 0, count: 0 };
      this.#latency.set(routeKey, histogram);
    }
    LATENCY_BUCKETS_S.forEach((bound, i) => {
      if (seconds <= bound) (histogram as Histogram).counts[i] = ((histogram as Histogram).counts[i] ?? 0) + 1;
    });
    histogram.sum += seconds;
    histogram.count++;
  }

  observeError(code: string): void {
    const key = labels({ code });
    this.#errors.set(key, (this.#errors.get(key) ?? 0) + 1);
  }

  render(): string {
    const lines: string[] = [];
    lines.push('# HELP provenant_proxy_http_requests_total HTTP requests answered, by method, route pattern and status.');
    lines.push('# TYPE provenant_proxy_http_requests_total counter');
    for (const [key, value] of this.#requests) lines.push(`provenant_proxy_http_requests_total{${key}} ${value}`);
    lines.push('# HELP provenant_proxy_http_request_duration_seconds Time from request to response, by route pattern.');
    lines.push('# TYPE provenant_proxy_http_request_duration_seconds histogram');
    for (const [key, histogram] of this.#latency) {
      LATENCY_BUCKETS_S.forEach((bound, i) => {
        lines.push(`provenant_proxy_http_request_duration_seconds_bucket{${key},le="${bound}"} ${histogram.counts[i] ?? 0}`);
      });
      lines.push(`provenant_proxy_http_request_duration_seconds_bucket{${key},le="+Inf"} ${histogram.count}`);
      lines.push(`provenant_proxy_http_request_duration_seconds_sum{${key}} ${histogram.sum}`);
      lines.push(`provenant_proxy_http_request_duration_seconds_count{${key}} ${histogram.count}`);
    }
    lines.push('# HELP provenant_proxy_errors_total Error responses, by stable error code.');
    lines.push('# TYPE provenant_proxy_errors_total counter');
    for (const [key, value] of this.#errors) lines.push(`provenant_proxy_errors_total{${key}} ${value}`);
    const enclaves = this.#gauges.enclaves();
    lines.push('# HELP provenant_proxy_enclave_connected Whether the connection to an enclave is up (1) or not (0).');
    lines.push('# TYPE provenant_proxy_enclave_connected gauge');
    for (const e of enclaves) lines.push(`provenant_proxy_enclave_connected{${labels({ address: e.address })}} ${e.connected ? 1 : 0}`);
    lines.push('# HELP provenant_proxy_enclave_connects_total Successful connections (hello and model sync) per enclave.');
    lines.push('# TYPE provenant_proxy_enclave_connects_total counter');
    for (const e of enclaves) lines.push(`provenant_proxy_enclave_connects_total{${labels({ address: e.address })}} ${e.connects}`);
    lines.push('# HELP provenant_proxy_in_flight Requests sent to an enclave and not yet answered.');
    lines.push('# TYPE provenant_proxy_in_flight gauge');
    for (const e of enclaves) lines.push(`provenant_proxy_in_flight{${labels({ address: e.address })}} ${e.inFlight}`);
    return `${lines.join('\n')}\n`;
  }
}

/** Label values escaped per the exposition format: backslash, double quote and newline. */
function labels(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}
