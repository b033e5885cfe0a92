/**
 * Every length the system accepts from outside has a named ceiling here (STYLE rule 8): declared
 * lengths are checked against these before anything is allocated.
 */

/** NSM driver: requests above 4096 bytes fail with EMSGSIZE (Linux drivers/misc/nsm.c). */
export const MAX_NSM_REQUEST_BYTES = 4096;
/** NSM driver response buffer (aws-nitro-enclaves-nsm-api uses 0x3000). */
export const MAX_NSM_RESPONSE_BYTES = 12288;
/**
 * Real hardware signs public_key, user_data and nonce of up to 1024 bytes each
 * (fixture nitro-2024-09-blocky.cbor); AWS docs say 512 for some fields, the CDDL 1024.
 */
export const MAX_ATTESTATION_FIELD_BYTES = 1024;
/** An attestation document is bounded by the NSM response buffer. */
export const MAX_ATTESTATION_DOCUMENT_BYTES = MAX_NSM_RESPONSE_BYTES;
/** NSM exposes 32 PCRs; a document carries 1 to 32 of them. */
export const MAX_PCR_COUNT = 32;
/** Real chains have 4 CA certificates (root, regional, zonal, instance); leave room, refuse absurd ones. */
export const MAX_CABUNDLE_CERTIFICATES = 8;
/** Real Nitro certificates are 500-700 bytes of DER. */
export const MAX_CERTIFICATE_BYTES = 4096;
/** Deepest nesting any CBOR structure we accept can legitimately have. */
export const MAX_CBOR_DEPTH = 8;

/**
 * Parent <-> enclave frames. One frame carries one message; an inference request must fit in one frame,
 * model bytes arrive in chunks. 16 MiB keeps a hostile peer from making either side buffer more than that
 * per connection before the length is refused.
 */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Model upload chunk size the parent sends; the enclave accepts any chunk up to MAX_FRAME_BYTES. */
export const MODEL_CHUNK_BYTES = 1024 * 1024;
/** Ceiling for one model; the enclave's configured limit may be lower, never higher. */
export const MAX_MODEL_BYTES = 512 * 1024 * 1024;
/** Most request ids one connection may have in flight at once. */
export const MAX_IN_FLIGHT_PER_CONNECTION = 1024;
/**
 * Deepest nesting and most values in one frame's message. A plan receipt in a receipt.get answer needs 10:
 * frame, body, receipt, proofs, entry, verification_key, vk_alphabeta_12 and its two inner levels of
 * arrays, then the strings (snarkjs' verification_key.json; docs/receipts.md §7.2).
 */
export const MAX_FRAME_DEPTH = 12;
export const MAX_FRAME_VALUES = 1 << 20;
/** Tensors per request, rank and element count per tensor. */
export const MAX_TENSORS_PER_REQUEST = 64;
export const MAX_TENSOR_RANK = 8;
export const MAX_TENSOR_ELEMENTS = 4 * 1024 * 1024;
/** Model names are path-safe identifiers (KServe model names). */
export const MAX_MODEL_NAME_CHARS = 64;
/** Client nonces bound into receipts (NSM accepts up to 1024; 64 is plenty for randomness). */
export const MAX_NONCE_BYTES = 64;
