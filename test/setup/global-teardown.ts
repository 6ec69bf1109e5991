/** Stops the embedded database started by global-setup, if any. */
export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as { __mastheadEmbedded?: { stop(): Promise<void> } }).__mastheadEmbedded;
  await embedded?.stop();
}
