import {
  MAX_NSM_REQUEST_BYTES,
  createError,
  decodeNsmRequest,
  encodeNsmResponse,
  isProvenantError,
  type NsmResponse,
} from '@provenant/protocol';
import type { NsmTransport } from '../nsm-transport.js';
import { MockNsm, type MockNsmOptions } from './mock-nsm.js';

/**
 * NsmTransport answered by a MockNsm: request bytes are decoded with the same codec the device's
 * callers use and answers are encoded exactly as serde_cbor encodes the real module's, so everything
 * above the transport runs the production path byte for byte.
 *
 * Like the driver, a request over 4096 bytes never reaches the module (PRV_ERR_NSM_INPUT_TOO_LARGE,
 * EMSGSIZE on hardware). Bytes the module cannot parse get {"Error": "InvalidOperation"}, as QEMU's
 * NSM emulation answers (hw/virtio/virtio-nsm.c get_nsm_request_response).
 */
export class MockNsmTransport implements NsmTransport {
  readonly #nsm: MockNsm;
  #closed = false;

  constructor(nsm: MockNsm) {
    if (!(nsm instanceof MockNsm)) throw createError('PRV_ERR_INVALID_ARGUMENT', 'nsm must be a MockNsm');
    this.#nsm = nsm;
  }

  static create(options: MockNsmOptions): MockNsmTransport {
    return new MockNsmTransport(new MockNsm(options));
  }

  get moduleId(): string {
    return this.#nsm.moduleId;
  }

  async request(encoded: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    if (this.#closed) throw createError('PRV_ERR_NSM_IO', 'the mock NSM transport is closed');
    if (options.signal?.aborted === true) throw createError('PRV_ERR_NSM_TIMEOUT', 'aborted before the request was sent');
    if (!(encoded instanceof Uint8Array)) throw createError('PRV_ERR_NSM_MALFORMED', 'request must be a Uint8Array');
    if (encoded.byteLength === 0) throw createError('PRV_ERR_NSM_MALFORMED', 'request is empty');
    if (encoded.byteLength > MAX_NSM_REQUEST_BYTES) {
      throw createError('PRV_ERR_NSM_INPUT_TOO_LARGE', `${encoded.byteLength} bytes, at most ${MAX_NSM_REQUEST_BYTES}`);
    }
    return encodeNsmResponse(this.#answer(Uint8Array.from(encoded)));
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #answer(encoded: Uint8Array): NsmResponse {
    let request;
    try {
      request = decodeNsmRequest(encoded);
    } catch (error) {
      if (!isProvenantError(error)) throw error;
      return { type: 'Error', code: 'InvalidOperation' };
    }
    return this.#nsm.handle(request);
  }
}
