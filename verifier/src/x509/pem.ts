import { createError } from '@provenant/protocol';
import { MAX_CERTIFICATE_BYTES } from '@provenant/protocol';

const PEM_CERTIFICATE = /^\s*-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END CERTIFICATE-----\s*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Base64 inflates by 4/3, plus line breaks every 64 characters (RFC 7468 §2). */
const MAX_PEM_CHARS = Math.ceil((MAX_CERTIFICATE_BYTES * 4) / 3) * 2 + 128;

/**
 * Decodes exactly one PEM CERTIFICATE block (RFC 7468 §5) into DER. Anything else (several blocks,
 * other labels, bad base64) is refused with PRV_ERR_INVALID_ARGUMENT: a pinned root is configuration.
 */
export function pemCertificateToDer(pem: string): Uint8Array {
  if (pem.length > MAX_PEM_CHARS) throw createError('PRV_ERR_INVALID_ARGUMENT', `PEM root is over ${MAX_PEM_CHARS} characters`);
  const match = PEM_CERTIFICATE.exec(pem);
  if (match === null) throw createError('PRV_ERR_INVALID_ARGUMENT', 'root is not a single PEM CERTIFICATE block');
  const body = (match[1] as string).replace(/[\r\n]/g, '');
  if (!BASE64.test(body) || body.length % 4 !== 0) throw createError('PRV_ERR_INVALID_ARGUMENT', 'PEM root has invalid base64');
  // atob exists in browsers and Node >= 16 without importing node: modules.
  const binary = atob(body);
  const der = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) der[i] = binary.charCodeAt(i);
  return der;
}
