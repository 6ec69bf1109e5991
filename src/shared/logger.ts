import pino, { type Logger } from 'pino';

/** Structured JSON logs (pipe through `npx pino-pretty` to read them in a terminal). Credentials never reach a log line. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'], censor: '[redacted]' },
  });
}
