import type { TestContext } from 'node:test';
import type { Duplex } from 'node:stream';

/**
 * Per-test bound for tests that move bytes over real sockets. They take well under a second alone;
 * the bound only turns a stuck await (a peer that never answers, an event that never comes) into a
 * named failure instead of a run that waits forever. Generous because CI runs suites side by side
 * on 2 cores.
 */
export const SOCKET_TEST_TIMEOUT_MS = 30_000;

interface Closable {
  close(): Promise<void>;
}

/**
 * Closes every listener and destroys every stream registered with it, on `closeAll()`. Closing twice
 * is harmless: Listener.close() and destroy() are both idempotent.
 */
export class SocketTeardown {
  readonly #listeners = new Set<Closable>();
  readonly #streams = new Set<Duplex>();

  /** Closes `listener` on closeAll(); returns it. */
  listener<T extends Closable>(listener: T): T {
    this.#listeners.add(listener);
    return listener;
  }

  /** Destroys `stream` on closeAll(); returns it. */
  stream<T extends Duplex>(stream: T): T {
    this.#streams.add(stream);
    return stream;
  }

  async closeAll(): Promise<void> {
    for (const stream of this.#streams) stream.destroy();
    await Promise.all([...this.#listeners].map((listener) => listener.close()));
  }
}

/**
 * A SocketTeardown that runs when the test ends, however it ends: passed, failed an assertion,
 * failed from an uncaught 'error' event, or timed out; node:test runs `t.after` hooks in all those
 * cases. Without it, a failed test leaves a listening socket open, the test process never exits,
 * and `node --test` waits on it forever.
 */
export function socketTeardown(t: TestContext): SocketTeardown {
  const teardown = new SocketTeardown();
  t.after(() => teardown.closeAll());
  return teardown;
}
