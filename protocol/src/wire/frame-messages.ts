import { createError, isErrorCode, type ErrorCode } from '../errors/index.js';
import { MAX_FRAME_BYTES } from '../limits.js';
import { readBool, readBytes, readObject, readString, readUint, type Fields } from './field-readers.js';

export const WIRE_VERSION = 1;
/** Request ids are u32, never 0 (0 addresses the connection itself in error frames). */
export const MAX_REQUEST_ID = 0xffff_ffff;
const MAX_OP_CHARS = 32;
const MAX_ERROR_MESSAGE_CHARS = 1024;

/** Every frame is one of these (docs/protocol.md §Frames). */
export type Frame =
  | { readonly k: 'hello'; readonly v: number; readonly role: 'parent' | 'enclave' }
  | { readonly k: 'ping'; readonly n: number }
  | { readonly k: 'pong'; readonly n: number }
  | { readonly k: 'req'; readonly id: number; readonly op: string; readonly body: unknown }
  | { readonly k: 'chunk'; readonly id: number; readonly seq: number; readonly data: Uint8Array; readonly end: boolean }
  | { readonly k: 'res'; readonly id: number; readonly body: unknown }
  | { readonly k: 'err'; readonly id: number; readonly code: ErrorCode; readonly message: string }
  | { readonly k: 'cancel'; readonly id: number };

export type FrameKind = Frame['k'];

/** Checks a decoded frame's envelope; the op body is checked by the op's own parser. */
export function parseFrame(value: unknown): Frame {
  const head = readObject(value, 'frame', ['k', 'v', 'role', 'n', 'id', 'op', 'body', 'seq', 'data', 'end', 'code', 'message']);
  const kind = head.k;
  switch (kind) {
    case 'hello': {
      const f = exact(head, ['k', 'v', 'role']);
      const role = f.role;
      if (role !== 'parent' && role !== 'enclave') throw createError('PRV_ERR_WIRE_MALFORMED', 'hello.role must be parent or enclave');
      return { k: kind, v: readUint(f, 'v', 'hello', 0xffff), role };
    }
    case 'ping':
    case 'pong':
      return { k: kind, n: readUint(exact(head, ['k', 'n']), 'n', kind) };
    case 'req': {
      const f = exact(head, ['k', 'id', 'op', 'body']);
      return { k: kind, id: requestId(f, kind), op: readString(f, 'op', kind, MAX_OP_CHARS), body: f.body };
    }
    case 'chunk': {
      const f = exact(head, ['k', 'id', 'seq', 'data', 'end']);
      return {
        k: kind,
        id: requestId(f, kind),
        seq: readUint(f, 'seq', kind),
        data: readBytes(f, 'data', kind, MAX_FRAME_BYTES),
        end: readBool(f, 'end', kind),
      };
    }
    case 'res': {
      const f = exact(head, ['k', 'id', 'body']);
      return { k: kind, id: requestId(f, kind), body: f.body };
    }
    case 'err': {
      const f = exact(head, ['k', 'id', 'code', 'message']);
      const code = f.code;
      // An unknown code from a newer peer still surfaces as an error, never as success.
      const known: ErrorCode = isErrorCode(code) ? code : 'PRV_ERR_INTERNAL';
      return { k: kind, id: readUint(f, 'id', kind), code: known, message: readString(f, 'message', kind, MAX_ERROR_MESSAGE_CHARS) };
    }
    case 'cancel':
      return { k: kind, id: requestId(exact(head, ['k', 'id']), kind) };
    default:
      throw createError('PRV_ERR_WIRE_MALFORMED', 'frame kind is not one of hello, ping, pong, req, chunk, res, err, cancel');
  }
}

function exact(fields: Fields, keys: readonly string[]): Fields {
  return readObject(fields, `${String(fields.k)} frame`, keys);
}

function requestId(fields: Fields, path: string): number {
  const id = readUint(fields, 'id', path, MAX_REQUEST_ID);
  if (id === 0) throw createError('PRV_ERR_WIRE_MALFORMED', `${path}.id must not be 0`);
  return id;
}
