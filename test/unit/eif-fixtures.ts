/**
 * Test-only builders for the EIF tests: a ustar/pax writer (independent of the reader under test) and
 * a self-signed P-384 certificate made with node:crypto and a minimal DER encoder.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'prv-eif-'));
}

export function sha384(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha384');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** PCR as the NSM reports it after one extend from zero: SHA384(0^48 || SHA384(data)). */
export function expectedPcr(...parts: Uint8Array[]): string {
  return sha384(new Uint8Array(48), sha384(...parts)).toString('hex');
}

export interface TarSpec {
  readonly name: string;
  readonly type?: '0' | '1' | '2' | '3' | '5' | '6' | 'S';
  readonly mode?: number;
  readonly content?: Uint8Array | string;
  readonly link?: string;
  readonly uid?: number;
  readonly mtime?: number;
}

function field(block: Buffer, offset: number, length: number, value: string): void {
  block.write(value, offset, length, 'utf8');
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

function header(name: string, type: string, size: number, mode: number, link: string, uid: number, mtime: number): Buffer {
  const block = Buffer.alloc(512);
  field(block, 0, 100, name);
  field(block, 100, 8, octal(mode, 8));
  field(block, 108, 8, octal(uid, 8));
  field(block, 116, 8, octal(uid, 8));
  field(block, 124, 12, octal(size, 12));
  field(block, 136, 12, octal(mtime, 12));
  field(block, 148, 8, '        ');
  field(block, 156, 1, type);
  field(block, 157, 100, link);
  field(block, 257, 8, 'ustar\u000000');
  let sum = 0;
  for (const byte of block) sum += byte;
  field(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

const padTo512 = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);

/** POSIX ustar with a pax 'x' header for names over 100 bytes, like Go's archive/tar. */
export function makeTar(entries: readonly TarSpec[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = typeof entry.content === 'string' ? Buffer.from(entry.content) : Buffer.from(entry.content ?? new Uint8Array());
    let name = entry.name;
    if (Buffer.byteLength(name) > 100) {
      const body = `path=${name}\n`;
      let length = body.length + 3;
      while (`${length} ${body}`.length !== length) length = `${length} ${body}`.length;
      const record = Buffer.from(`${length} ${body}`);
      parts.push(header('PaxHeaders/x', 'x', record.length, 0o644, '', 0, 0), record, padTo512(record.length));
      name = name.slice(0, 99);
    }
    parts.push(header(name, entry.type ?? '0', content.length, entry.mode ?? 0o644, entry.link ?? '', entry.uid ?? 1000, entry.mtime ?? 1_700_000_000));
    parts.push(content, padTo512(content.length));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function writeTemp(dir: string, name: string, bytes: Uint8Array | string): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

// --- minimal DER (ITU-T X.690) for one self-signed certificate ---
function der(tag: number, ...contents: Uint8Array[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length = n < 0x80 ? Buffer.of(n) : n < 0x100 ? Buffer.of(0x81, n) : Buffer.of(0x82, n >> 8, n & 0xff);
  return Buffer.concat([Buffer.of(tag), length, body]);
}
const seq = (...c: Uint8Array[]) => der(0x30, ...c);
const oid = (bytes: number[]) => der(0x06, Buffer.from(bytes));
const ECDSA_SHA384 = oid([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03]); // 1.2.840.10045.4.3.3
const COMMON_NAME = oid([0x55, 0x04, 0x03]); // 2.5.4.3

export interface TestSigner {
  readonly certificatePem: string;
  readonly certificateDer: Buffer;
  readonly privateKey: KeyObject;
  readonly privateKeyPem: string;
}

export function makeTestSigner(commonName = 'provenant test signer'): TestSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const name = seq(der(0x31, seq(COMMON_NAME, der(0x0c, Buffer.from(commonName)))));
  const validity = seq(der(0x17, Buffer.from('200101000000Z')), der(0x17, Buffer.from('491231235959Z')));
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.of(2))),
    der(0x02, Buffer.of(0x01, 0x23)),
    seq(ECDSA_SHA384),
    name,
    validity,
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha384', tbs, privateKey);
  const certificateDer = seq(tbs, seq(ECDSA_SHA384), der(0x03, Buffer.of(0), signature));
  const base64 = certificateDer.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    certificatePem: `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`,
    certificateDer,
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** Independent newc parser: returns every entry with its decoded header fields. */
export interface ParsedCpioEntry {
  readonly name: string;
  readonly ino: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly nlink: number;
  readonly mtime: number;
  readonly data: Buffer;
  readonly rdevMajor: number;
  readonly rdevMinor: number;
}

export function parseCpio(bytes: Buffer): { entries: ParsedCpioEntry[]; endOfTrailer: number } {
  const entries: ParsedCpioEntry[] = [];
  let at = 0;
  for (;;) {
    if (bytes.toString('latin1', at, at + 6) !== '070701') throw new Error(`bad magic at ${at}`);
    const f = (i: number) => Number.parseInt(bytes.toString('latin1', at + 6 + 8 * i, at + 14 + 8 * i), 16);
    const nameSize = f(11);
    const name = bytes.toString('utf8', at + 110, at + 110 + nameSize - 1);
    if (bytes[at + 110 + nameSize - 1] !== 0) throw new Error('name not NUL-terminated');
    let dataAt = at + 110 + nameSize;
    dataAt += (4 - (dataAt % 4)) % 4;
    const size = f(6);
    const entry = { name, ino: f(0), mode: f(1), uid: f(2), gid: f(3), nlink: f(4), mtime: f(5), data: bytes.subarray(dataAt, dataAt + size), rdevMajor: f(9), rdevMinor: f(10) };
    at = dataAt + size;
    at += (4 - (at % 4)) % 4;
    if (name === 'TRAILER!!!') return { entries, endOfTrailer: at };
    entries.push(entry);
  }
}
