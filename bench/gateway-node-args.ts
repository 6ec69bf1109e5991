/**
 * Node options the gateway runs with, as `npm start` and the Dockerfile start it: a 512 MB old-generation heap. Without
 * a cap V8 sizes its heap from the machine's memory and lets garbage pile up to about 250 MB of old space before it
 * collects, whatever the live data. BENCH_GATEWAY_NODE_ARGS replaces them (an empty string: none).
 */
export const GATEWAY_NODE_ARGS = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '--max-old-space-size=512').split(/\s+/).filter(Boolean);
