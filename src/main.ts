import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './shared/logger';

/** Entry point: configuration, then the app, then the port; SIGTERM or SIGINT drain HTTP, then close the database. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const app = await createApp(config, { log });
  const url = await app.listen();
  log.info({ url: `${url}/graphql`, database: config.database.kind }, `Masthead is ready: open ${url}/graphql`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests');
    app.close().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error('Masthead failed to start:', error);
  process.exit(1);
});
