import 'reflect-metadata';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

/**
 * The gateway as the benchmark runs it: a child process of its own (so its CPU time and memory are its own), built by
 * the same createApp as production. It reports its URL, then answers "stats" messages from the runner.
 */
export interface GatewayStats {
  sqlStatements: number;
  cpuMicros: number;
  rssBytes: number;
  /** The longest the event loop was held up (garbage collection, synchronous work) since the last stats. */
  eventLoopDelayMaxMs: number;
}

async function main(): Promise<void> {
  const app = await createApp(loadConfig(process.env));
  const url = await app.listen(0, '127.0.0.1');
  const eventLoopDelay = monitorEventLoopDelay({ resolution: 10 });
  eventLoopDelay.enable();
  process.on('message', (message: string) => {
    if (message === 'stats') {
      const cpu = process.cpuUsage();
      const stats: GatewayStats = {
        sqlStatements: app.sqlStatements.total,
        cpuMicros: cpu.user + cpu.system,
        rssBytes: process.memoryUsage.rss(),
        eventLoopDelayMaxMs: eventLoopDelay.max / 1e6,
      };
      eventLoopDelay.reset();
      process.send?.({ stats });
    } else if (message === 'stop') {
      void app.close().then(() => process.exit(0));
    }
  });
  process.send?.({ url });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
