import type { EifDescription } from './eif-reader.js';

function metadataField(metadata: unknown, ...path: string[]): unknown {
  let value = metadata;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The JSON `nitro-cli describe-eif` prints (aws-nitro-enclaves-cli src/common/json_output.rs
 * EifDescribeInfo), with the section table added. CheckCRC is always true here: a bad CRC is an error.
 */
export function describeJson(eif: EifDescription): Record<string, unknown> {
  const out: Record<string, unknown> = {
    EifVersion: eif.header.version,
    Measurements: { HashAlgorithm: 'Sha384 { ... }', ...eif.pcrs },
    IsSigned: eif.signature !== undefined,
    CheckCRC: true,
  };
  if (eif.signature !== undefined) out.SignatureCheck = eif.signature.pcr0SignatureValid;
  const imageName = metadataField(eif.metadata, 'ImageName');
  const imageVersion = metadataField(eif.metadata, 'ImageVersion');
  if (typeof imageName === 'string') out.ImageName = imageName;
  if (typeof imageVersion === 'string') out.ImageVersion = imageVersion;
  if (eif.metadata !== undefined) out.Metadata = eif.metadata;
  out.Arch = eif.arch;
  out.DefaultMemBytes = eif.header.defaultMemBytes;
  out.DefaultCpus = eif.header.defaultCpus;
  out.Cmdline = eif.cmdline;
  out.Crc32 = eif.crc32;
  out.FileSha384 = eif.fileSha384;
  out.Sections = eif.sections.map((s) => ({ Index: s.index, Type: s.kind, Offset: s.offset, Size: s.sizeBytes }));
  return out;
}

/** Human-readable summary; the values are the same as in describeJson. */
export function describeText(eif: EifDescription): string {
  const lines = [
    `EIF version:    ${eif.header.version}`,
    `architecture:   ${eif.arch}`,
    `default sizing: ${eif.header.defaultMemBytes} bytes of memory, ${eif.header.defaultCpus} CPUs`,
    `file:           ${eif.sizeBytes} bytes, CRC-32 0x${eif.crc32.toString(16).padStart(8, '0')} (ok), SHA-384 ${eif.fileSha384}`,
    `cmdline:        ${eif.cmdline}`,
    'sections:',
    ...eif.sections.map((s) => `  ${String(s.index).padStart(2)}  ${s.kind.padEnd(9)} offset ${s.offset}, ${s.sizeBytes} bytes`),
    'measurements (SHA-384):',
    `  PCR0  ${eif.pcrs.PCR0}`,
    `  PCR1  ${eif.pcrs.PCR1}`,
    `  PCR2  ${eif.pcrs.PCR2}`,
  ];
  if (eif.pcrs.PCR8 !== undefined) lines.push(`  PCR8  ${eif.pcrs.PCR8}`);
  lines.push(`signed:         ${eif.signature === undefined ? 'no' : `yes, PCR0 signature ${eif.signature.pcr0SignatureValid ? 'valid' : 'INVALID'}`}`);
  const build = metadataField(eif.metadata, 'BuildMetadata');
  if (eif.metadata !== undefined) {
    lines.push('metadata (not measured):');
    for (const key of ['ImageName', 'ImageVersion']) {
      const value = metadataField(eif.metadata, key);
      if (typeof value === 'string') lines.push(`  ${key}: ${value}`);
    }
    if (typeof build === 'object' && build !== null) {
      for (const [key, value] of Object.entries(build)) if (typeof value === 'string') lines.push(`  ${key}: ${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
