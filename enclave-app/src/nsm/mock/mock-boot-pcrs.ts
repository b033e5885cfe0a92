import { createHash } from 'node:crypto';
import { createError } from '@provenant/protocol';
import { MOCK_PCR_BYTES } from './pcr-bank.js';

/** Bounds the configurable image measurement (a digest or a short label is what callers pass). */
export const MAX_IMAGE_MEASUREMENT_BYTES = 4096;
/** Role ARNs are at most 2048 characters (IAM limits); the mock keeps the same ceiling. */
export const MAX_PARENT_ROLE_ARN_CHARS = 2048;

export interface MockBootMeasurement {
  /** Stands in for the enclave image: any non-empty bytes (typically a SHA-384 of the image). */
  readonly imageMeasurement: Uint8Array;
  /** Debug-mode enclaves report PCR0, 1, 2 (and 8) as zero, as real ones do. */
  readonly debugMode: boolean;
  /** The parent EC2 instance id, e.g. "i-0123456789abcdef0" (PCR4). */
  readonly instanceId: string;
  /** IAM role of the parent instance (PCR3), or null for none (PCR3 zero, as on hardware). */
  readonly parentRoleArn: string | null;
  /**
   * Exact PCR0/1/2/8 values to report instead of the derived ones, e.g. the measurements eif-build
   * computed for a real image, so a dev stack can pin the same expected PCRs as production.
   */
  readonly pcrOverrides?: Readonly<Partial<Record<0 | 1 | 2 | 8, Uint8Array>>>;
}

/**
 * Values of PCRs [0, 16) at boot. Every value has the shape of a real measurement, SHA384(0^48 || x)
 * (one extend of a zeroed register; REFERENCE "EIF format" and "PCRs"):
 *   PCR0 = SHA384(0^48 || SHA384("provenant-mock/pcr0/image\0"       || imageMeasurement))
 *   PCR1 = SHA384(0^48 || SHA384("provenant-mock/pcr1/kernel\0"      || imageMeasurement))
 *   PCR2 = SHA384(0^48 || SHA384("provenant-mock/pcr2/application\0" || imageMeasurement))
 *   PCR3 = SHA384(0^48 || parentRoleArn)   (the real formula; zero when there is no role)
 *   PCR4 = SHA384(0^48 || instanceId)      (the real formula)
 *   PCR8 = zero (an unsigned image), PCR5-7 and 9-15 zero.
 * In debug mode PCR0, 1, 2 and 8 are zero and PCR3/4 stay set, like a real `--debug-mode` enclave.
 * pcrOverrides replace PCR0/1/2/8 (ignored in debug mode, where hardware reports zeros regardless).
 */
export function deriveBootPcrs(boot: MockBootMeasurement): Map<number, Uint8Array> {
  assertBootMeasurement(boot);
  const pcrs = new Map<number, Uint8Array>();
  if (!boot.debugMode) {
    pcrs.set(0, boot.pcrOverrides?.[0] ?? extendZero(imageDigest('pcr0/image', boot.imageMeasurement)));
    pcrs.set(1, boot.pcrOverrides?.[1] ?? extendZero(imageDigest('pcr1/kernel', boot.imageMeasurement)));
    pcrs.set(2, boot.pcrOverrides?.[2] ?? extendZero(imageDigest('pcr2/application', boot.imageMeasurement)));
    if (boot.pcrOverrides?.[8] !== undefined) pcrs.set(8, boot.pcrOverrides[8]);
  }
  if (boot.parentRoleArn !== null) pcrs.set(3, extendZero(new TextEncoder().encode(boot.parentRoleArn)));
  pcrs.set(4, extendZero(new TextEncoder().encode(boot.instanceId)));
  return pcrs;
}

function imageDigest(label: string, measurement: Uint8Array): Uint8Array {
  return createHash('sha384').update(`provenant-mock/${label}\0`).update(measurement).digest();
}

function extendZero(data: Uint8Array): Uint8Array {
  return Uint8Array.from(createHash('sha384').update(new Uint8Array(MOCK_PCR_BYTES)).update(data).digest());
}

/** "i-" then 17 lowercase hex digits, as EC2 instance ids are. */
export const INSTANCE_ID_PATTERN = /^i-[0-9a-f]{17}$/;

function assertBootMeasurement(boot: MockBootMeasurement): void {
  const m = boot.imageMeasurement;
  if (!(m instanceof Uint8Array) || m.length === 0 || m.length > MAX_IMAGE_MEASUREMENT_BYTES) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', `imageMeasurement must be 1 to ${MAX_IMAGE_MEASUREMENT_BYTES} bytes`);
  }
  if (typeof boot.debugMode !== 'boolean') throw createError('PRV_ERR_INVALID_ARGUMENT', 'debugMode must be a boolean');
  if (typeof boot.instanceId !== 'string' || !INSTANCE_ID_PATTERN.test(boot.instanceId)) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', 'instanceId must look like i-0123456789abcdef0');
  }
  const arn = boot.parentRoleArn;
  if (arn !== null && (typeof arn !== 'string' || arn.length === 0 || arn.length > MAX_PARENT_ROLE_ARN_CHARS)) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', 'parentRoleArn must be null or a non-empty ARN');
  }
  for (const [key, value] of Object.entries(boot.pcrOverrides ?? {})) {
    if (!['0', '1', '2', '8'].includes(key)) throw createError('PRV_ERR_INVALID_ARGUMENT', `pcrOverrides.${key} is not PCR 0, 1, 2 or 8`);
    if (!(value instanceof Uint8Array) || value.length !== MOCK_PCR_BYTES) {
      throw createError('PRV_ERR_INVALID_ARGUMENT', `pcrOverrides.${key} must be ${MOCK_PCR_BYTES} bytes`);
    }
  }
}
