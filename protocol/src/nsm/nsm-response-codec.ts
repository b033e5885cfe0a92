import { encodeCbor, decodeCbor, type CborLimits } from '../cbor/index.js';
import { createError } from '../errors/index.js';
import { MAX_NSM_RESPONSE_BYTES, MAX_PCR_COUNT } from '../limits.js';
import { NSM_ERROR_CODES, type NsmDigest, type NsmErrorCode, type NsmResponse } from './nsm-messages.js';
import {
  NEWTYPE,
  assertUnit,
  malformed,
  readBool,
  readBytes,
  readText,
  readU16,
  splitVariant,
  struct,
} from './nsm-fields.js';

/** DescribeNSM's locked_pcrs list is the deepest response (variant map, struct, array). */
const RESPONSE_LIMITS: CborLimits = {
  maxBytes: MAX_NSM_RESPONSE_BYTES,
  maxDepth: 4,
  maxItems: 64 + MAX_PCR_COUNT,
  allowedTags: new Set(),
};

/** GetRandom answers up to 256 bytes (nsm-api: the driver's hwrng reads are capped there). */
export const MAX_NSM_RANDOM_BYTES = 256;
/** A PCR value is a SHA-256/384/512 digest. */
export const MAX_PCR_BYTES = 64;
const MAX_MODULE_ID_CHARS = 128;
const DIGESTS: readonly NsmDigest[] = ['SHA256', 'SHA384', 'SHA512'];

export function encodeNsmResponse(response: NsmResponse): Uint8Array {
  const encoded = encodeCbor(toWire(response));
  if (encoded.length > MAX_NSM_RESPONSE_BYTES) throw createError('PRV_ERR_INTERNAL', `NSM response of ${encoded.length} bytes`);
  return encoded;
}

function toWire(response: NsmResponse): unknown {
  switch (response.type) {
    case 'LockPCR':
    case 'LockPCRs':
      return response.type;
    case 'DescribePCR':
      return variant('DescribePCR', [
        ['lock', response.lock],
        ['data', response.data],
      ]);
    case 'ExtendPCR':
      return variant('ExtendPCR', [['data', response.data]]);
    case 'DescribeNSM':
      return variant('DescribeNSM', [
        ['version_major', response.versionMajor],
        ['version_minor', response.versionMinor],
        ['version_patch', response.versionPatch],
        ['module_id', response.moduleId],
        ['max_pcrs', response.maxPcrs],
        ['locked_pcrs', [...response.lockedPcrs]],
        ['digest', response.digest],
      ]);
    case 'Attestation':
      return variant('Attestation', [['document', response.document]]);
    case 'GetRandom':
      return variant('GetRandom', [['random', response.random]]);
    case 'Error':
      return new Map([['Error', response.code]]);
  }
}

function variant(name: string, fields: [string, unknown][]): Map<string, Map<string, unknown>> {
  return new Map([[name, new Map(fields)]]);
}

/** Decodes and shape-checks a device answer; an `{"Error": code}` answer is returned, not thrown. */
export function decodeNsmResponse(bytes: Uint8Array): NsmResponse {
  const { name, body } = splitVariant(decodeCbor(bytes, RESPONSE_LIMITS));
  switch (name) {
    case 'LockPCR':
    case 'LockPCRs':
      assertUnit(name, body);
      return { type: name };
    case 'DescribePCR': {
      const fields = struct(name, body, ['lock', 'data']);
      return { type: name, lock: readBool(name, fields, 'lock'), data: pcrValue(name, fields) };
    }
    case 'ExtendPCR':
      return { type: name, data: pcrValue(name, struct(name, body, ['data'])) };
    case 'DescribeNSM':
      return describeNsm(struct(name, body, DESCRIBE_FIELDS));
    case 'Attestation': {
      const document = readBytes(name, struct(name, body, ['document']), 'document');
      if (document.length === 0) throw malformed('Attestation.document is empty');
      return { type: name, document };
    }
    case 'GetRandom': {
      const random = readBytes(name, struct(name, body, ['random']), 'random');
      if (random.length === 0 || random.length > MAX_NSM_RANDOM_BYTES) throw malformed(`GetRandom.random has ${random.length} bytes`);
      return { type: name, random };
    }
    case 'Error': {
      const code = body?.get(NEWTYPE);
      if (body?.size !== 1 || typeof code !== 'string' || !(NSM_ERROR_CODES as readonly string[]).includes(code)) {
        throw malformed('Error carries an unknown code');
      }
      return { type: 'Error', code: code as NsmErrorCode };
    }
    default:
      throw malformed(`unknown response ${JSON.stringify(name).slice(0, 64)}`);
  }
}

const DESCRIBE_FIELDS = ['version_major', 'version_minor', 'version_patch', 'module_id', 'max_pcrs', 'locked_pcrs', 'digest'];

function describeNsm(fields: Map<unknown, unknown>): NsmResponse {
  const v = 'DescribeNSM';
  const moduleId = readText(v, fields, 'module_id');
  if (moduleId.length === 0 || moduleId.length > MAX_MODULE_ID_CHARS) throw malformed('DescribeNSM.module_id has a bad length');
  const maxPcrs = readU16(v, fields, 'max_pcrs');
  if (maxPcrs === 0 || maxPcrs > MAX_PCR_COUNT) throw malformed(`DescribeNSM.max_pcrs is ${maxPcrs}`);
  const locked = fields.get('locked_pcrs');
  if (!Array.isArray(locked) || locked.length > maxPcrs) throw malformed('DescribeNSM.locked_pcrs is not a list of PCRs');
  const lockedPcrs = locked.map((index, i) => {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= maxPcrs) {
      throw malformed('DescribeNSM.locked_pcrs holds a bad index');
    }
    if (i > 0 && index <= (locked[i - 1] as number)) throw malformed('DescribeNSM.locked_pcrs is not sorted and unique');
    return index;
  });
  const digest = readText(v, fields, 'digest');
  if (!(DIGESTS as readonly string[]).includes(digest)) throw malformed(`DescribeNSM.digest is ${digest.slice(0, 16)}`);
  return {
    type: v,
    versionMajor: readU16(v, fields, 'version_major'),
    versionMinor: readU16(v, fields, 'version_minor'),
    versionPatch: readU16(v, fields, 'version_patch'),
    moduleId,
    maxPcrs,
    lockedPcrs,
    digest: digest as NsmDigest,
  };
}

function pcrValue(variantName: string, fields: Map<unknown, unknown>): Uint8Array {
  const data = readBytes(variantName, fields, 'data');
  if (data.length !== 32 && data.length !== 48 && data.length !== 64) {
    throw malformed(`${variantName}.data is ${data.length} bytes, not a SHA-256/384/512 digest`);
  }
  return data;
}
