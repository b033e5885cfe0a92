import { createHash } from 'node:crypto';
import { checkedChunks, type ByteSource } from './byte-source.js';
import { certificatePemToDer } from './eif-signature.js';
import { encodeCmdline } from './eif-writer.js';
import { EifPcrSet, type EifPcrs } from './pcr-set.js';

export interface EifMeasureInput {
  readonly kernel: ByteSource;
  readonly cmdline: string;
  readonly ramdisks: readonly ByteSource[];
  /** When the EIF will be signed: PCR8 depends only on the certificate, not on the key or signature. */
  readonly signingCertificatePem?: string;
}

export interface EifMeasureResult {
  readonly pcrs: EifPcrs;
  /** SHA-384 of each input, hex: useful as build-input fingerprints in measurements.json. */
  readonly inputSha384: { readonly kernel: string; readonly cmdline: string; readonly ramdisks: readonly string[] };
}

/** PCRs of the EIF these inputs would make, computed by streaming them once, without writing it. */
export async function measureEifInputs(input: EifMeasureInput): Promise<EifMeasureResult> {
  const pcrs = new EifPcrSet();
  const digestOf = async (source: ByteSource, what: string, feed: (chunk: Uint8Array) => void): Promise<string> => {
    const hash = createHash('sha384');
    for await (const chunk of checkedChunks(source, what)) {
      hash.update(chunk);
      feed(chunk);
    }
    return hash.digest('hex');
  };
  const kernel = await digestOf(input.kernel, 'kernel', (c) => pcrs.kernelOrCmdline(c));
  const cmdlineBytes = encodeCmdline(input.cmdline);
  pcrs.kernelOrCmdline(cmdlineBytes);
  const ramdisks: string[] = [];
  for (const [index, ramdisk] of input.ramdisks.entries()) {
    ramdisks.push(await digestOf(ramdisk, `ramdisk ${index}`, (c) => pcrs.ramdisk(index, c)));
  }
  if (input.signingCertificatePem !== undefined) pcrs.certificate(certificatePemToDer(input.signingCertificatePem));
  return {
    pcrs: pcrs.result(),
    inputSha384: { kernel, cmdline: createHash('sha384').update(cmdlineBytes).digest('hex'), ramdisks },
  };
}
