import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { KeyUsageFlags, buildCertificate, type NameAttribute } from './mock-certificate-builder.js';

/**
 * The shape of AWS's Nitro PKI (fixtures/nitro): root -> regional -> zonal -> instance CAs and a
 * short-lived leaf per enclave. Every name carries "provenant-mock" so no one mistakes the chain for
 * AWS's; the root differs from AWS's, so a verifier pinning the AWS root refuses every mock document.
 */
export type MockCaRole = 'root' | 'regional' | 'zonal' | 'instance';
export const MOCK_CA_ROLES: readonly MockCaRole[] = ['root', 'regional', 'zonal', 'instance'];

export const MOCK_ROOT_COMMON_NAME = 'provenant-mock.nitro-enclaves';
const MOCK_REGION = 'mock-region-1';
const DAY_MS = 86_400_000;
/** The AWS root is valid 30 years; the mock root too, so a persisted dev root outlives any checkout. */
export const MOCK_ROOT_VALIDITY_MS = 30 * 365 * DAY_MS;
/** Real regional/zonal/instance CAs live days to weeks; persisted mock ones live a year and are re-issued before. */
export const MOCK_INTERMEDIATE_VALIDITY_MS = 365 * DAY_MS;
/** Re-issue intermediates that expire within this window, so a leaf never outlives its issuer. */
export const MOCK_INTERMEDIATE_RENEW_BEFORE_MS = 7 * DAY_MS;
/** Real leaves are valid ~3 hours (fixture nitro-2024-09-blocky.cbor: 14:37:36 to 17:37:39). */
export const MOCK_LEAF_VALIDITY_MS = 3 * 60 * 60 * 1000;

export interface MockCa {
  readonly role: MockCaRole;
  readonly certificate: Uint8Array;
  readonly privateKey: KeyObject;
}

export interface MockLeaf {
  readonly certificate: Uint8Array;
  readonly privateKey: KeyObject;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

/** X.509 times have whole seconds; rounding down keeps notBefore at or before the signing time. */
function floorToSecond(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

function newKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-384' });
}

function mockName(commonName: string): [NameAttribute, string][] {
  return [['C', 'US'], ['O', 'Provenant'], ['OU', 'mock'], ['CN', commonName]];
}

/** CA key usage copied from AWS's chain: digitalSignature, keyCertSign, cRLSign (0x86), critical. */
const CA_KEY_USAGE = KeyUsageFlags.digitalSignature | KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign;

export function createMockRoot(nowMs: number): MockCa {
  const { publicKey, privateKey } = newKeyPair();
  const certificate = buildCertificate({
    subject: mockName(MOCK_ROOT_COMMON_NAME),
    subjectKey: publicKey,
    issuer: null,
    signingKey: privateKey,
    notBefore: floorToSecond(nowMs),
    notAfter: floorToSecond(nowMs + MOCK_ROOT_VALIDITY_MS),
    // The AWS root has basicConstraints CA without a pathLen.
    ca: { pathLen: undefined },
    keyUsage: CA_KEY_USAGE,
    keyUsageCritical: true,
  });
  return { role: 'root', certificate, privateKey };
}

/** "i-" and 17 hex digits, derived from the root key so a persisted authority keeps its instance id. */
export function mockInstanceId(rootCertificate: Uint8Array): string {
  return `i-${createHash('sha256').update(rootCertificate).digest('hex').slice(0, 17)}`;
}

/**
 * Issues regional, zonal and instance CAs under `root`, with pathLen 2, 1, 0 as in AWS's chain. The
 * instance CA has keyCertSign only, like AWS's.
 */
export function createMockIntermediates(root: MockCa, nowMs: number): [MockCa, MockCa, MockCa] {
  const instanceId = mockInstanceId(root.certificate);
  const specs: [MockCaRole, string, number, number][] = [
    ['regional', `${randomHex(8)}.${MOCK_REGION}.${MOCK_ROOT_COMMON_NAME}`, 2, CA_KEY_USAGE],
    ['zonal', `${randomHex(8)}.zonal.${MOCK_REGION}.${MOCK_ROOT_COMMON_NAME}`, 1, CA_KEY_USAGE],
    ['instance', `${instanceId}.${MOCK_REGION}.${MOCK_ROOT_COMMON_NAME}`, 0, KeyUsageFlags.keyCertSign],
  ];
  let issuer = root;
  const issued: MockCa[] = [];
  for (const [role, commonName, pathLen, keyUsage] of specs) {
    const { publicKey, privateKey } = newKeyPair();
    const certificate = buildCertificate({
      subject: mockName(commonName),
      subjectKey: publicKey,
      issuer: { certificate: issuer.certificate, privateKey: issuer.privateKey },
      signingKey: issuer.privateKey,
      notBefore: floorToSecond(nowMs),
      notAfter: floorToSecond(nowMs + MOCK_INTERMEDIATE_VALIDITY_MS),
      ca: { pathLen },
      keyUsage,
      keyUsageCritical: true,
    });
    issuer = { role, certificate, privateKey };
    issued.push(issuer);
  }
  return issued as [MockCa, MockCa, MockCa];
}

/**
 * A 3-hour leaf for one enclave (CN = module id, as AWS's leaves are named), basicConstraints cA
 * false (critical) and keyUsage digitalSignature + nonRepudiation (not critical), as on hardware.
 */
export function createMockLeaf(instance: MockCa, moduleId: string, nowMs: number): MockLeaf {
  const { publicKey, privateKey } = newKeyPair();
  const notBefore = floorToSecond(nowMs);
  const notAfter = floorToSecond(nowMs + MOCK_LEAF_VALIDITY_MS);
  const certificate = buildCertificate({
    subject: mockName(`${moduleId}.${MOCK_REGION}.provenant-mock`),
    subjectKey: publicKey,
    issuer: { certificate: instance.certificate, privateKey: instance.privateKey },
    signingKey: instance.privateKey,
    notBefore,
    notAfter,
    ca: null,
    keyUsage: KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation,
    keyUsageCritical: false,
  });
  return { certificate, privateKey, notBeforeMs: notBefore.getTime(), notAfterMs: notAfter.getTime() };
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
