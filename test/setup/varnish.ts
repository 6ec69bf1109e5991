import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real varnishd running docs/varnish/masthead.vcl in front of a backend of the test's choosing: a small server that
 * answers as the gateway does, or the gateway itself (`startTestApp` from ./harness gives its URL; pass its port).
 * Debian's packages: apt-get install varnish varnish-modules (.ci/run installs them).
 */

export const VARNISHD = process.env.VARNISHD_PATH ?? '/usr/sbin/varnishd';
export const MASTHEAD_VCL = path.join(__dirname, '..', '..', 'docs', 'varnish', 'masthead.vcl');

/** Where Debian-style builds keep vmods (`${libdir}/varnish/vmods`; libdir has the architecture in it). */
function xkeyVmodInstalled(): boolean {
  const libdirs = ['/usr/lib', '/usr/local/lib', ...safeList('/usr/lib').filter((name) => name.endsWith('-linux-gnu')).map((name) => `/usr/lib/${name}`)];
  return libdirs.some((libdir) => fs.existsSync(path.join(libdir, 'varnish', 'vmods', 'libvmod_xkey.so')));
}

function safeList(directory: string): string[] {
  try {
    return fs.readdirSync(directory);
  } catch {
    return [];
  }
}

/** Why Varnish cannot run here, or null when it can. */
export function varnishUnavailable(): string | null {
  if (!fs.existsSync(VARNISHD)) return `no varnishd at ${VARNISHD} (apt-get install varnish varnish-modules, or set VARNISHD_PATH)`;
  if (!xkeyVmodInstalled()) return 'vmod xkey is not installed (apt-get install varnish-modules)';
  return null;
}

/** REQUIRE_VARNISH set (as in CI): a missing Varnish fails the suite instead of skipping it. */
export function varnishRequired(): boolean {
  const value = process.env.REQUIRE_VARNISH;
  return value !== undefined && value !== '' && value !== '0';
}

export interface TestVarnish {
  /** http://127.0.0.1:<port>, for requests and as CDN_PURGE_URL (style xkey). */
  url: string;
  port: number;
  /** What varnishd printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartVarnishOptions {
  backendPort: number;
  backendHost?: string;
  /** Another VCL file; its backend block must spell .host and .port as masthead.vcl does. */
  vclPath?: string;
  /** Where Varnish listens (a free port by default); the gateway in front of which it sits may need it before it starts (CDN_PURGE_URL). */
  port?: number;
}

/** The VCL with its backend pointed elsewhere; fails loudly if the file no longer has the lines this looks for. */
export function vclWithBackend(vcl: string, host: string, port: number): string {
  const hostLine = /^(\s*\.host\s*=\s*)"[^"]*";/m;
  const portLine = /^(\s*\.port\s*=\s*)"[^"]*";/m;
  if (!hostLine.test(vcl) || !portLine.test(vcl)) throw new Error('the VCL has no `.host = "...";` and `.port = "...";` lines to point at the test backend');
  return vcl.replace(hostLine, `$1"${host}";`).replace(portLine, `$1"${port}";`);
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts varnishd in the foreground (-F) as a child process, with its working directory (-n) in a fresh temporary
 * directory, listening on a free loopback port; resolves once its worker process serves requests. Call stop() in afterAll.
 */
export async function startVarnish(options: StartVarnishOptions): Promise<TestVarnish> {
  const unavailable = varnishUnavailable();
  if (unavailable) throw new Error(`Varnish cannot run: ${unavailable}`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'masthead-varnish-'));
  const vclFile = path.join(workDir, 'masthead.vcl');
  fs.writeFileSync(vclFile, vclWithBackend(fs.readFileSync(options.vclPath ?? MASTHEAD_VCL, 'utf8'), options.backendHost ?? '127.0.0.1', options.backendPort));
  const port = options.port ?? (await freePort());
  const child = spawn(
    VARNISHD,
    [
      '-F',
      // No jail: the working directory belongs to whoever runs the tests, and the unix jail would switch to the varnish user.
      '-j', 'none',
      '-n', path.join(workDir, 'instance'),
      '-f', vclFile,
      '-a', `127.0.0.1:${port}`,
      '-T', 'none',
      '-s', 'malloc,32m',
      // A shared 2-core machine: a handful of threads is plenty for a test.
      '-p', 'thread_pools=1',
      '-p', 'thread_pool_min=10',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => (running = false));

  const cleanUp = () => fs.rmSync(workDir, { recursive: true, force: true });
  const deadline = Date.now() + 30_000;
  // The manager prints this once the worker (which compiled the VCL and serves requests) is up.
  while (!/Child launched OK/.test(output)) {
    if (!running || Date.now() > deadline) {
      if (running) child.kill('SIGKILL');
      await exited;
      cleanUp();
      throw new Error(`varnishd did not start (${running ? 'timed out' : 'exited'}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    output: () => output,
    async stop() {
      if (running) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      cleanUp();
    },
  };
}
