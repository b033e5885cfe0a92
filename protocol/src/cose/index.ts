export {
  COSE_ALG_ES384,
  COSE_HEADER_ALG,
  COSE_SIGN1_TAG,
  coseSign1Limits,
  decodeCoseSign1,
  encodeCoseSign1,
  encodeProtectedHeader,
  sigStructure,
  type CoseHeaderMap,
  type CoseSign1Parts,
  type DecodedCoseSign1,
} from './cose-sign1.js';
