import { encodeCbor, decodeCbor, type CborLimits } from '../cbor/index.js';
import { createError } from '../errors/index.js';
import { MAX_NSM_REQUEST_BYTES } from '../limits.js';
import type { NsmRequest } from './nsm-messages.js';
import { assertUnit, malformed, readBytes, readOptionalBytes, readU16, splitVariant, struct } from './nsm-fields.js';

/** Requests are flat: a variant map holding a struct; depth 3 is the deepest real one. */
const REQUEST_LIMITS: CborLimits = {
  maxBytes: MAX_NSM_REQUEST_BYTES,
  maxDepth: 3,
  maxItems: 16,
  allowedTags: new Set(),
};

/** Encodes exactly as serde_cbor does; refuses requests the driver would reject with EMSGSIZE. */
export function encodeNsmRequest(request: NsmRequest): Uint8Array {
  const encoded = encodeCbor(toWire(request));
  if (encoded.length > MAX_NSM_REQUEST_BYTES) {
    throw createError('PRV_ERR_NSM_INPUT_TOO_LARGE', `${encoded.length} bytes`);
  }
  return encoded;
}

function toWire(request: NsmRequest): unknown {
  switch (request.type) {
    case 'DescribeNSM':
    case 'GetRandom':
      return request.type;
    case 'DescribePCR':
    case 'LockPCR':
      return variant(request.type, [['index', assertU16(request.index, 'index')]]);
    case 'ExtendPCR':
      return variant('ExtendPCR', [
        ['index', assertU16(request.index, 'index')],
        ['data', request.data],
      ]);
    case 'LockPCRs':
      return variant('LockPCRs', [['range', assertU16(request.range, 'range')]]);
    case 'Attestation':
      return variant('Attestation', [
        ['user_data', request.userData],
        ['nonce', request.nonce],
        ['public_key', request.publicKey],
      ]);
  }
}

function variant(name: string, fields: [string, unknown][]): Map<string, Map<string, unknown>> {
  return new Map([[name, new Map(fields)]]);
}

function assertU16(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw createError('PRV_ERR_OUT_OF_RANGE', `${field} must be an integer in [0, 65535], got ${value}`);
  }
  return value;
}

/** Decodes a request as the device would receive it (the mock NSM's entry point). */
export function decodeNsmRequest(bytes: Uint8Array): NsmRequest {
  if (bytes.length > MAX_NSM_REQUEST_BYTES) throw createError('PRV_ERR_NSM_INPUT_TOO_LARGE', `${bytes.length} bytes`);
  const { name, body } = splitVariant(decodeCbor(bytes, REQUEST_LIMITS));
  switch (name) {
    case 'DescribeNSM':
    case 'GetRandom':
      assertUnit(name, body);
      return { type: name };
    case 'DescribePCR':
    case 'LockPCR': {
      const fields = struct(name, body, ['index']);
      return { type: name, index: readU16(name, fields, 'index') };
    }
    case 'ExtendPCR': {
      const fields = struct(name, body, ['index', 'data']);
      return { type: name, index: readU16(name, fields, 'index'), data: readBytes(name, fields, 'data') };
    }
    case 'LockPCRs': {
      const fields = struct(name, body, ['range']);
      return { type: name, range: readU16(name, fields, 'range') };
    }
    case 'Attestation': {
      const fields = struct(name, body, ['user_data', 'nonce', 'public_key']);
      return {
        type: name,
        userData: readOptionalBytes(name, fields, 'user_data'),
        nonce: readOptionalBytes(name, fields, 'nonce'),
        publicKey: readOptionalBytes(name, fields, 'public_key'),
      };
    }
    default:
      throw malformed(`unknown request ${JSON.stringify(name).slice(0, 64)}`);
  }
}
