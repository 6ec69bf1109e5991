import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * An open-loop load, in a process of its own so that the benchmark runner's own garbage collection (it holds every
 * earlier run's results) cannot pass for the gateway's latency: requests sent at evenly spaced instants, `rate` a
 * second, whatever the answers' speed, each timed from its scheduled instant (so a stall counts for every request it
 * delays). autocannon's own rate limit sends each second's requests in a burst, which measures the burst, not the
 * service. Asked with { url, body, rate, seconds, report }, it answers { result }.
 */
/** What every load of the benchmark reports, open-loop or autocannon's. */
export interface Measurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export interface SteadyResult extends Measurement {
  /** The slowest 1%: latency (ms) and when it was sent (s into the run), slowest first. */
  slowest: { latencyMs: number; sentAtS: number }[];
  /** The longest this process's own event loop was held up: a late sender would look like a slow gateway. */
  loaderDelayMaxMs: number;
}

export interface SteadyRequest {
  url: string;
  body: string;
  rate: number;
  seconds: number;
}

async function steadyLoad({ url, body, rate, seconds }: SteadyRequest): Promise<SteadyResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const latencies: number[] = [];
  const sentAt: number[] = [];
  let errors = 0;
  const started = performance.now();
  const total = Math.round(rate * seconds);
  const requests: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    requests.push(
      new Promise<void>((resolve) => {
        const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (response) => {
          response.resume();
          response.on('end', () => {
            if (response.statusCode === 200) {
              latencies.push(performance.now() - due);
              sentAt.push(due - started);
            } else errors += 1;
            resolve();
          });
        });
        request.on('error', () => {
          errors += 1;
          resolve();
        });
        request.end(body);
      }),
    );
  }
  await Promise.all(requests);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const slowest = latencies
    .map((latency, index) => ({ latencyMs: Math.round(latency), sentAtS: Number((sentAt[index] / 1000).toFixed(2)) }))
    .sort((a, b) => b.latencyMs - a.latencyMs)
    .slice(0, Math.max(1, Math.floor(latencies.length / 100)));
  latencies.sort((a, b) => a - b);
  const at = (share: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))] ?? 0);
  delay.disable();
  return {
    requestsPerSecond: latencies.length / elapsed,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    requests: latencies.length,
    errors,
    non2xx: 0,
    slowest,
    loaderDelayMaxMs: delay.max / 1e6,
  };
}

process.on('message', (request: SteadyRequest) => {
  void steadyLoad(request).then((result) => process.send?.({ result }));
});
process.send?.({ ready: true });
