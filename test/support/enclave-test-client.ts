import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createError, type ErrorCode, type ProvenantError } from '@provenant/protocol';
import { FramedConnection, connect, type ApplicationFrame } from '@provenant/transport';
import { SILENT_LOGGER, parseEnclaveConfig, startEnclaveDaemon, type RunningDaemon } from '@provenant/enclave';
import { REPO_ROOT } from './paths.js';

export const BUNDLED_MODEL_DIR = path.join(REPO_ROOT, 'models', 'out');

/** A minimal parent: one connection, request ids, responses and err frames matched to their request. */
export class EnclaveTestClient {
  readonly connection: FramedConnection;
  #nextId = 1;
  readonly #waiting = new Map<number, { resolve: (body: unknown) => void; reject: (error: ProvenantError) => void }>();

  private constructor(connection: FramedConnection) {
    this.connection = connection;
    connection.on('frame', (frame: ApplicationFrame) => {
      if (frame.k !== 'res' && frame.k !== 'err') return;
      const waiter = this.#waiting.get(frame.id);
      if (waiter === undefined) return;
      this.#waiting.delete(frame.id);
      if (frame.k === 'res') waiter.resolve(frame.body);
      else waiter.reject(createError(frame.code as ErrorCode, frame.message));
    });
  }

  static async connect(address: string): Promise<EnclaveTestClient> {
    const socket = await connect(address, { timeoutMs: 5000 });
    const connection = new FramedConnection(socket, { role: 'parent' });
    await connection.ready;
    return new EnclaveTestClient(connection);
  }

  nextId(): number {
    return this.#nextId++;
  }

  /** Sends a req frame and resolves with its res body (rejects with the err frame's code). */
  request(op: string, body: unknown, id = this.nextId()): Promise<unknown> {
    const answer = this.expect(id);
    void this.connection.send({ k: 'req', id, op, body });
    return answer;
  }

  expect(id: number): Promise<unknown> {
    return new Promise((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
  }

  /** Uploads bytes with model.put in chunks of `chunkBytes`. */
  async putModel(name: string, bytes: Uint8Array, options: { chunkBytes?: number; size?: number; sha256?: Uint8Array; plan?: string } = {}): Promise<unknown> {
    const id = this.nextId();
    const answer = this.expect(id);
    answer.catch(() => undefined);
    const chunkBytes = options.chunkBytes ?? 256;
    await this.connection.send({
      k: 'req',
      id,
      op: 'model.put',
      body: {
        name,
        size: options.size ?? bytes.length,
        ...(options.sha256 === undefined ? {} : { sha256: options.sha256 }),
        ...(options.plan === undefined ? {} : { plan: options.plan }),
      },
    });
    let seq = 0;
    for (let at = 0; at < bytes.length || seq === 0; at += chunkBytes) {
      const end = at + chunkBytes >= bytes.length;
      await this.connection.send({ k: 'chunk', id, seq: seq++, data: bytes.subarray(at, at + chunkBytes), end });
      if (end) break;
    }
    return answer;
  }

  close(): Promise<unknown> {
    return this.connection.close();
  }
}

export interface DaemonFixture {
  readonly daemon: RunningDaemon;
  readonly client: EnclaveTestClient;
  readonly address: string;
  readonly stateDir: string;
  close(): Promise<void>;
}

/** Boots a daemon in this process on the mock NSM (explicit opt-in, temp state dir) over a unix socket. */
export async function startDaemonFixture(overrides: Record<string, unknown> = {}): Promise<DaemonFixture> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'prv-enclave-'));
  const address = `unix://${path.join(stateDir, 'enclave.sock')}`;
  const config = parseEnclaveConfig({
    listen: address,
    nsm: { backend: 'mock', allowMock: true, mockStateDir: path.join(stateDir, 'mock-nsm') },
    modelDir: BUNDLED_MODEL_DIR,
    ...overrides,
  });
  const daemon = await startEnclaveDaemon(config, SILENT_LOGGER);
  const client = await EnclaveTestClient.connect(address);
  return {
    daemon,
    client,
    address,
    stateDir,
    close: async () => {
      await client.close();
      await daemon.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
