import {
  MAX_ATTESTATION_FIELD_BYTES,
  createError,
  decodeNsmResponse,
  encodeNsmRequest,
  isProvenantError,
  type NsmDescription,
  type NsmErrorCode,
  type NsmRequest,
  type NsmResponse,
  type NsmResponseType,
  type ProvenantError,
} from '@provenant/protocol';
import type { NsmTransport } from './nsm-transport.js';

export interface NsmCallOptions {
  readonly signal?: AbortSignal;
}

export interface PcrDescription {
  readonly locked: boolean;
  readonly data: Uint8Array;
}


/** The three caller-chosen fields an attestation document signs; absent ones are encoded as null. */
export interface AttestationFields {
  readonly userData?: Uint8Array | null;
  readonly nonce?: Uint8Array | null;
  readonly publicKey?: Uint8Array | null;
}

/** Brand for the NSM error code carried by PRV_ERR_NSM_ERROR_RESPONSE. */
const NSM_CODE = Symbol.for('provenant.nsm.code');

/**
 * The NSM error code (`ReadOnlyIndex`, `InvalidIndex`, ...) an error carries when the module answered
 * `{"Error": code}`; undefined for every other error.
 */
export function getNsmErrorCode(error: unknown): NsmErrorCode | undefined {
  if (!isProvenantError(error, 'PRV_ERR_NSM_ERROR_RESPONSE')) return undefined;
  return (error as ProvenantError & { [NSM_CODE]?: NsmErrorCode })[NSM_CODE];
}

/**
 * Typed requests over any NsmTransport (the /dev/nsm device or the mock). Both backends receive the
 * same encoded bytes and their answers go through the same strict decoder, so the mock exercises the
 * production path. An `{"Error": code}` answer becomes PRV_ERR_NSM_ERROR_RESPONSE (the NSM code in the
 * detail and via getNsmErrorCode); an answer of the wrong variant is PRV_ERR_NSM_MALFORMED.
 */
export class NsmClient {
  readonly #transport: NsmTransport;

  constructor(transport: NsmTransport) {
    if (typeof transport?.request !== 'function' || typeof transport.close !== 'function') {
      throw createError('PRV_ERR_INVALID_ARGUMENT', 'transport must implement NsmTransport');
    }
    this.#transport = transport;
  }

  async describePcr(index: number, options?: NsmCallOptions): Promise<PcrDescription> {
    const response = await this.#call({ type: 'DescribePCR', index }, 'DescribePCR', options);
    return { locked: response.lock, data: response.data };
  }

  /** Extends PCR `index` with `data` (the NSM computes SHA384(old || data)); resolves with the new value. */
  async extendPcr(index: number, data: Uint8Array, options?: NsmCallOptions): Promise<Uint8Array> {
    assertBytes(data, 'data');
    const response = await this.#call({ type: 'ExtendPCR', index, data }, 'ExtendPCR', options);
    return response.data;
  }

  async lockPcr(index: number, options?: NsmCallOptions): Promise<void> {
    await this.#call({ type: 'LockPCR', index }, 'LockPCR', options);
  }

  /** Locks PCRs [0, range). */
  async lockPcrs(range: number, options?: NsmCallOptions): Promise<void> {
    await this.#call({ type: 'LockPCRs', range }, 'LockPCRs', options);
  }

  async describeNsm(options?: NsmCallOptions): Promise<NsmDescription> {
    const { type: _type, ...description } = await this.#call({ type: 'DescribeNSM' }, 'DescribeNSM', options);
    return description;
  }

  /** Resolves with the attestation document exactly as the NSM produced it (COSE_Sign1 bytes). */
  async attestation(fields: AttestationFields = {}, options?: NsmCallOptions): Promise<Uint8Array> {
    const request: NsmRequest = {
      type: 'Attestation',
      userData: attestationField(fields.userData, 'userData'),
      nonce: attestationField(fields.nonce, 'nonce'),
      publicKey: attestationField(fields.publicKey, 'publicKey'),
    };
    const response = await this.#call(request, 'Attestation', options);
    return response.document;
  }

  /** Up to 256 bytes from the NSM's hardware RNG (real modules answer exactly 256). */
  async getRandom(options?: NsmCallOptions): Promise<Uint8Array> {
    const response = await this.#call({ type: 'GetRandom' }, 'GetRandom', options);
    return response.random;
  }

  close(): Promise<void> {
    return this.#transport.close();
  }

  async #call<T extends NsmResponseType>(
    request: NsmRequest,
    expected: T,
    options: NsmCallOptions | undefined,
  ): Promise<Extract<NsmResponse, { type: T }>> {
    const encoded = encodeNsmRequest(request);
    const signal = options?.signal;
    const answer = await this.#transport.request(encoded, signal === undefined ? {} : { signal });
    let response: NsmResponse;
    try {
      response = decodeNsmResponse(answer);
    } catch (error) {
      if (isProvenantError(error, 'PRV_ERR_NSM_MALFORMED')) throw error;
      // CBOR-level failures (truncation, nesting, size) are still a malformed NSM answer to our callers.
      throw createError('PRV_ERR_NSM_MALFORMED', `${request.type} answer is not valid CBOR`, { cause: error });
    }
    if (response.type === 'Error') throw nsmErrorResponse(request.type, response.code);
    if (response.type !== expected) {
      throw createError('PRV_ERR_NSM_MALFORMED', `${request.type} was answered with ${response.type}`);
    }
    return response as Extract<NsmResponse, { type: T }>;
  }
}

function nsmErrorResponse(requestType: string, code: NsmErrorCode): ProvenantError {
  const error = createError('PRV_ERR_NSM_ERROR_RESPONSE', `${code} (${requestType})`);
  Object.defineProperty(error, NSM_CODE, { value: code, enumerable: false });
  return error;
}

function assertBytes(value: unknown, field: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw createError('PRV_ERR_INVALID_ARGUMENT', `${field} must be a Uint8Array`);
}

/**
 * Real modules sign up to MAX_ATTESTATION_FIELD_BYTES per field (fixture nitro-2024-09-blocky.cbor), and
 * the verifier refuses more, so a larger field is refused here rather than producing an unverifiable document.
 */
function attestationField(value: Uint8Array | null | undefined, field: string): Uint8Array | null {
  if (value === undefined || value === null) return null;
  assertBytes(value, field);
  if (value.length > MAX_ATTESTATION_FIELD_BYTES) {
    throw createError('PRV_ERR_OUT_OF_RANGE', `${field} has ${value.length} bytes, at most ${MAX_ATTESTATION_FIELD_BYTES}`);
  }
  return value;
}
