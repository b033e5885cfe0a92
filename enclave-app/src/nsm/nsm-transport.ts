/**
 * The one thing that differs between the real NSM and the mock: who answers an encoded CBOR request.
 * Everything above this (typed requests, response decoding, error mapping) is shared, so the mock is
 * exercised through exactly the code path production uses.
 */
export interface NsmTransport {
  /** Sends one encoded request (at most MAX_NSM_REQUEST_BYTES) and resolves with the encoded response. */
  request(encoded: Uint8Array, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
  close(): Promise<void>;
}
