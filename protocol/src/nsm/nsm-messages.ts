/**
 * NSM requests and responses as typed values. The wire form is what the aws-nitro-enclaves-nsm-api crate
 * produces with serde_cbor (src/api/mod.rs): a unit variant is a bare text string, a struct variant a
 * one-entry map {Variant: {fields in declaration order}}, None is null, byte fields are byte strings.
 */

export type NsmRequest =
  | { readonly type: 'DescribePCR'; readonly index: number }
  | { readonly type: 'ExtendPCR'; readonly index: number; readonly data: Uint8Array }
  | { readonly type: 'LockPCR'; readonly index: number }
  /** Locks PCRs [0, range). */
  | { readonly type: 'LockPCRs'; readonly range: number }
  | { readonly type: 'DescribeNSM' }
  | {
      readonly type: 'Attestation';
      readonly userData: Uint8Array | null;
      readonly nonce: Uint8Array | null;
      readonly publicKey: Uint8Array | null;
    }
  | { readonly type: 'GetRandom' };

export type NsmDigest = 'SHA256' | 'SHA384' | 'SHA512';

/** The crate's ErrorCode enum, in declaration order. */
export const NSM_ERROR_CODES = [
  'Success',
  'InvalidArgument',
  'InvalidIndex',
  'InvalidResponse',
  'ReadOnlyIndex',
  'InvalidOperation',
  'BufferTooSmall',
  'InputTooLarge',
  'InternalError',
] as const;
export type NsmErrorCode = (typeof NSM_ERROR_CODES)[number];

/** What DescribeNSM reports about the module. */
export interface NsmDescription {
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly versionPatch: number;
  readonly moduleId: string;
  readonly maxPcrs: number;
  readonly lockedPcrs: readonly number[];
  readonly digest: NsmDigest;
}

export type NsmResponse =
  | { readonly type: 'DescribePCR'; readonly lock: boolean; readonly data: Uint8Array }
  | { readonly type: 'ExtendPCR'; readonly data: Uint8Array }
  | { readonly type: 'LockPCR' }
  | { readonly type: 'LockPCRs' }
  | ({ readonly type: 'DescribeNSM' } & NsmDescription)
  | { readonly type: 'Attestation'; readonly document: Uint8Array }
  | { readonly type: 'GetRandom'; readonly random: Uint8Array }
  | { readonly type: 'Error'; readonly code: NsmErrorCode };

export type NsmRequestType = NsmRequest['type'];
export type NsmResponseType = NsmResponse['type'];
