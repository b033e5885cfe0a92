import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createError } from '@provenant/protocol';
import {
  MOCK_CA_ROLES,
  MOCK_INTERMEDIATE_RENEW_BEFORE_MS,
  MOCK_LEAF_VALIDITY_MS,
  createMockIntermediates,
  createMockLeaf,
  createMockRoot,
  mockInstanceId,
  type MockCa,
  type MockCaRole,
  type MockLeaf,
} from './mock-nsm-chain.js';

/** Where the dev harness keeps the mock PKI, relative to the repository root (gitignored). */
export const MOCK_NSM_DEFAULT_DIR = path.join('.provenant', 'mock-nsm');
/** A P-384 PKCS#8 key or a mock certificate in PEM is under 2 KiB; anything far larger is not ours. */
export const MAX_MOCK_PEM_BYTES = 16 * 1024;

export interface MockNsmAuthorityOptions {
  /** Clock in epoch milliseconds; tests pass a fake one. Default Date.now. */
  readonly now?: () => number;
}

type Intermediates = [MockCa, MockCa, MockCa];

/**
 * The mock NSM's certificate authority: a persisted root and regional/zonal/instance CAs shaped like
 * AWS's chain, and the 3-hour leaves that sign mock attestation documents. The root is stable across
 * runs (tests and the dev stack pin it explicitly in the verifier); intermediates are re-issued under
 * the same root when they near expiry; leaves are never persisted.
 */
export class MockNsmAuthority {
  readonly #root: MockCa;
  #intermediates: Intermediates;
  /** Earliest notAfter among the intermediates, cached so signing does not re-parse certificates. */
  #intermediatesNotAfterMs: number;
  readonly #now: () => number;
  readonly #directory: string | null;

  private constructor(root: MockCa, intermediates: Intermediates, now: () => number, directory: string | null) {
    this.#root = root;
    this.#intermediates = intermediates;
    this.#intermediatesNotAfterMs = earliestNotAfterMs(intermediates);
    this.#now = now;
    this.#directory = directory;
  }

  /** A throwaway authority held in memory only (unit tests, benchmarks). */
  static createEphemeral(options: MockNsmAuthorityOptions = {}): MockNsmAuthority {
    const now = assertNow(options.now);
    const root = createMockRoot(now());
    return new MockNsmAuthority(root, createMockIntermediates(root, now()), now, null);
  }

  /**
   * Loads the authority persisted in `directory`, creating it on first use. PEM files: root.key.pem,
   * root.cert.pem, and the same for regional, zonal, instance (keys mode 0600). A missing, broken,
   * foreign or expiring intermediate is re-issued; a half-present, unreadable or expired root is
   * PRV_ERR_NSM_MOCK_STATE_INVALID (never silently replaced: verifiers have pinned it).
   */
  static async loadOrCreate(directory: string, options: MockNsmAuthorityOptions = {}): Promise<MockNsmAuthority> {
    if (typeof directory !== 'string' || directory.length === 0) {
      throw createError('PRV_ERR_INVALID_ARGUMENT', 'directory must be a non-empty path');
    }
    const now = assertNow(options.now);
    const dir = path.resolve(directory);
    let root = await loadRoot(dir, now());
    if (root === null) {
      await createDirectory(dir, now());
      root = await loadRoot(dir, now());
      if (root === null) throw stateInvalid(dir, 'root vanished after creation');
    }
    let intermediates = await loadIntermediates(dir, root, now());
    if (intermediates === null) {
      intermediates = createMockIntermediates(root, now());
      for (const ca of intermediates) await writeCa(dir, ca);
    }
    return new MockNsmAuthority(root, intermediates, now, dir);
  }

  /** Null for an ephemeral authority. */
  get directory(): string | null {
    return this.#directory;
  }

  /** The mock root in DER: pass it explicitly to the verifier; it must never be the default root. */
  get rootCertificateDer(): Uint8Array {
    return Uint8Array.from(this.#root.certificate);
  }

  get rootCertificatePem(): string {
    return toPem(this.#root.certificate);
  }

  /** The parent "instance" this authority certifies; enclave module ids start with it. */
  get instanceId(): string {
    return mockInstanceId(this.#root.certificate);
  }

  /** CA certificates, root first (root -> regional -> zonal -> instance), as the cabundle field wants. */
  cabundle(): Uint8Array[] {
    this.#renewIntermediatesIfDue();
    return [this.#root, ...this.#intermediates].map((ca) => Uint8Array.from(ca.certificate));
  }

  /** A fresh 3-hour leaf for `moduleId`, issued by the instance CA at the authority's current time. */
  issueLeaf(moduleId: string): MockLeaf {
    this.#renewIntermediatesIfDue();
    return createMockLeaf(this.#intermediates[2], moduleId, this.#now());
  }

  now(): number {
    return this.#now();
  }

  /** In-memory renewal for long-lived processes; the next loadOrCreate persists a fresh set anyway. */
  #renewIntermediatesIfDue(): void {
    const now = this.#now();
    if (this.#intermediatesNotAfterMs >= now + MOCK_LEAF_VALIDITY_MS) return;
    this.#intermediates = createMockIntermediates(this.#root, now);
    this.#intermediatesNotAfterMs = earliestNotAfterMs(this.#intermediates);
  }
}

function assertNow(now: (() => number) | undefined): () => number {
  if (now === undefined) return Date.now;
  if (typeof now !== 'function') throw createError('PRV_ERR_INVALID_ARGUMENT', 'now must be a function returning epoch ms');
  return now;
}

function stateInvalid(dir: string, detail: string, cause?: unknown) {
  return createError('PRV_ERR_NSM_MOCK_STATE_INVALID', `${dir}: ${detail}`, cause === undefined ? undefined : { cause });
}

function filePath(dir: string, role: MockCaRole, kind: 'key' | 'cert'): string {
  return path.join(dir, `${role}.${kind}.pem`);
}

/** Reads a small PEM file; null when it does not exist. The size is checked before reading. */
async function readPem(file: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size > MAX_MOCK_PEM_BYTES) throw new RangeError(`${path.basename(file)} is ${size} bytes`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

async function readCa(dir: string, role: MockCaRole): Promise<{ ca: MockCa; x509: X509Certificate } | null> {
  const [keyPem, certPem] = await Promise.all([readPem(filePath(dir, role, 'key')), readPem(filePath(dir, role, 'cert'))]);
  if (keyPem === null && certPem === null) return null;
  if (keyPem === null || certPem === null) throw new Error(`${role} has a key or a certificate but not both`);
  const privateKey = createPrivateKey(keyPem);
  const x509 = new X509Certificate(certPem);
  if (!x509.checkPrivateKey(privateKey)) throw new Error(`${role} key does not match its certificate`);
  return { ca: { role, certificate: Uint8Array.from(x509.raw), privateKey }, x509 };
}

async function loadRoot(dir: string, nowMs: number): Promise<MockCa | null> {
  let loaded;
  try {
    loaded = await readCa(dir, 'root');
  } catch (error) {
    throw stateInvalid(dir, `root: ${(error as Error).message}; delete the directory to start over`, error);
  }
  if (loaded === null) return null;
  const { ca, x509 } = loaded;
  if (!x509.verify(x509.publicKey)) throw stateInvalid(dir, 'root certificate is not self-signed by its key');
  if (Date.parse(x509.validTo) <= nowMs || Date.parse(x509.validFrom) > nowMs) {
    throw stateInvalid(dir, 'root certificate is not valid now; delete the directory to start over');
  }
  return ca;
}

/** Null when the persisted intermediates are absent or unusable (they are re-issued then). */
async function loadIntermediates(dir: string, root: MockCa, nowMs: number): Promise<Intermediates | null> {
  let issuer = new X509Certificate(root.certificate);
  const loaded: MockCa[] = [];
  for (const role of MOCK_CA_ROLES.slice(1)) {
    let entry;
    try {
      entry = await readCa(dir, role);
    } catch {
      return null;
    }
    if (entry === null) return null;
    const { ca, x509 } = entry;
    const fresh = Date.parse(x509.validTo) > nowMs + MOCK_INTERMEDIATE_RENEW_BEFORE_MS && Date.parse(x509.validFrom) <= nowMs;
    if (!fresh || !x509.checkIssued(issuer) || !x509.verify(issuer.publicKey)) return null;
    loaded.push(ca);
    issuer = x509;
  }
  return loaded as Intermediates;
}

/**
 * Builds the whole PKI in a sibling temporary directory and renames it into place: two processes
 * racing on first use end up sharing one root (the loser's rename fails and it loads the winner's).
 */
async function createDirectory(dir: string, nowMs: number): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true });
  const staging = `${dir}.staging-${randomBytes(6).toString('hex')}`;
  await mkdir(staging, { mode: 0o700 });
  try {
    const root = createMockRoot(nowMs);
    for (const ca of [root, ...createMockIntermediates(root, nowMs)]) await writeCa(staging, ca);
    try {
      await rename(staging, dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      // The directory exists with content: if it has no root at all, adopt ours file by file.
      await adoptRoot(staging, dir);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** link(2) fails if the target exists, so an existing root is never overwritten. */
async function adoptRoot(staging: string, dir: string): Promise<void> {
  const hasRoot = await Promise.all([stat(filePath(dir, 'root', 'key')), stat(filePath(dir, 'root', 'cert'))].map((p) =>
    p.then(() => true, () => false)));
  if (hasRoot.some(Boolean)) return;
  for (const role of MOCK_CA_ROLES) {
    for (const kind of ['key', 'cert'] as const) {
      try {
        await link(filePath(staging, role, kind), filePath(dir, role, kind));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  }
}

async function writeCa(dir: string, ca: MockCa): Promise<void> {
  const keyPem = ca.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  await writeAtomic(filePath(dir, ca.role, 'key'), keyPem, 0o600);
  await writeAtomic(filePath(dir, ca.role, 'cert'), toPem(ca.certificate), 0o644);
}

async function writeAtomic(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.tmp-${randomBytes(6).toString('hex')}`;
  await writeFile(temporary, content, { mode, flag: 'wx' });
  await rename(temporary, file);
}

/** RFC 7468 §2: base64 in lines of 64 characters between the CERTIFICATE labels. */
export function toPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function earliestNotAfterMs(cas: readonly MockCa[]): number {
  return Math.min(...cas.map((ca) => Date.parse(new X509Certificate(ca.certificate).validTo)));
}

