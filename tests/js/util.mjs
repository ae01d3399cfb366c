// Helpers for the cross-runtime tests: free ports, bounded waits, child processes.
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers (any status), at most `ms` milliseconds. */
export async function waitForHttp(url, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (let i = 0; Date.now() < deadline && i < 400; i++) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

/**
 * Starts a child process, keeping its output for error messages.
 * @param {string} cmd @param {string[]} args @param {import('node:child_process').SpawnOptions} options
 */
export function start(cmd, args, options = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  return {
    child,
    output: () => output,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}
