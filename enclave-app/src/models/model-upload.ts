import { createHash, type Hash } from 'node:crypto';
import { createError, type ModelPutRequest } from '@provenant/protocol';

/**
 * One model.put in progress: chunks arrive in order (seq 0, 1, ...), are hashed as they come and copied
 * into one buffer of the declared size, allocated only after the declared size passed the limit (STYLE
 * rule 8). More bytes than declared, fewer at `end`, a sequence gap or a digest other than the declared
 * one each end the upload with their own code.
 */
export class ModelUpload {
  readonly request: ModelPutRequest;
  readonly #buffer: Uint8Array;
  readonly #hash: Hash = createHash('sha256');
  #received = 0;
  #nextSeq = 0;

  constructor(request: ModelPutRequest, maxModelBytes: number) {
    if (request.size > maxModelBytes) throw createError('PRV_ERR_MODEL_TOO_LARGE', `declared ${request.size} bytes, limit ${maxModelBytes}`);
    this.request = request;
    this.#buffer = new Uint8Array(request.size);
  }

  get receivedBytes(): number {
    return this.#received;
  }

  /** Takes one chunk; returns the complete model bytes after the chunk marked `end`. */
  push(seq: number, data: Uint8Array, end: boolean): Uint8Array | undefined {
    if (seq !== this.#nextSeq) throw createError('PRV_ERR_WIRE_MALFORMED', `chunk seq ${seq}, expected ${this.#nextSeq}`);
    this.#nextSeq++;
    if (this.#received + data.length > this.request.size) {
      throw createError('PRV_ERR_MODEL_SIZE_MISMATCH', `more than the declared ${this.request.size} bytes`);
    }
    this.#buffer.set(data, this.#received);
    this.#received += data.length;
    this.#hash.update(data);
    if (!end) return undefined;
    if (this.#received !== this.request.size) {
      throw createError('PRV_ERR_MODEL_SIZE_MISMATCH', `received ${this.#received} bytes, declared ${this.request.size}`);
    }
    const digest = this.#hash.digest();
    const expected = this.request.sha256;
    if (expected !== undefined && !digest.equals(expected)) throw createError('PRV_ERR_MODEL_HASH_MISMATCH');
    return this.#buffer;
  }
}
