import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrameDecoder,
  MAX_FRAME_BYTES,
  decodeStrictMsgpack,
  decodeFrameBody,
  encodeFrame,
  isProvenantError,
  parseFrame,
} from '@provenant/protocol';

const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/ /g, ''), 'hex'));
const LIMITS = { maxDepth: 8, maxItems: 1000 };

test('a frame is a 4-byte big-endian length followed by the msgpack body', () => {
  const frame = encodeFrame({ k: 'ping', n: 7 });
  const length = new DataView(frame.buffer).getUint32(0);
  assert.equal(length, frame.length - 4);
  assert.deepEqual(parseFrame(decodeFrameBody(frame.subarray(4))), { k: 'ping', n: 7 });
});

test('an encoded frame keeps its bytes while later frames are encoded (the body is not copied out of msgpackr)', () => {
  const frames = Array.from({ length: 50 }, (_, i) => encodeFrame({ k: 'chunk', id: i + 1, seq: 0, data: new Uint8Array(100 + i * 997).fill(i), end: true }));
  const copies = frames.map((frame) => Uint8Array.from(frame));
  // Many more, small and large, reusing and outgrowing msgpackr's buffer.
  for (let i = 0; i < 2000; i++) encodeFrame({ k: 'ping', n: i });
  encodeFrame({ k: 'chunk', id: 1, seq: 0, data: new Uint8Array(3 << 20), end: true });
  for (const [i, frame] of frames.entries()) {
    assert.deepEqual(frame, copies[i], `frame ${i}`);
    const decoded = parseFrame(decodeFrameBody(frame.subarray(4)));
    assert.ok(decoded.k === 'chunk' && decoded.id === i + 1 && decoded.data.length === 100 + i * 997 && decoded.data.every((b) => b === i));
  }
});

test('the decoder reassembles frames split at every byte boundary and joined in one chunk', () => {
  const frames = [
    encodeFrame({ k: 'req', id: 1, op: 'status', body: {} }),
    encodeFrame({ k: 'chunk', id: 1, seq: 0, data: new Uint8Array(300).fill(9), end: true }),
  ];
  const stream = Uint8Array.from(Buffer.concat(frames));
  for (let split = 0; split <= stream.length; split++) {
    const decoder = new FrameDecoder();
    const bodies = [...decoder.push(stream.subarray(0, split)), ...decoder.push(stream.subarray(split))];
    assert.equal(bodies.length, 2, `split at ${split}`);
    assert.equal(decoder.bufferedBytes, 0);
    const chunk = parseFrame(decodeFrameBody(bodies[1] as Uint8Array));
    assert.equal(chunk.k, 'chunk');
    assert.ok(chunk.k === 'chunk' && chunk.data.length === 300 && chunk.data.every((b) => b === 9));
  }
});

test('refuses a declared frame length above MAX_FRAME_BYTES as soon as the header arrives', () => {
  const decoder = new FrameDecoder();
  const header = new Uint8Array(4);
  new DataView(header.buffer).setUint32(0, MAX_FRAME_BYTES + 1);
  assert.throws(() => decoder.push(header), (e) => isProvenantError(e, 'PRV_ERR_WIRE_FRAME_TOO_LARGE'));
});

test('refuses to encode a message larger than the frame limit', () => {
  assert.throws(() => encodeFrame({ data: new Uint8Array(2048) }, 1024), (e) => isProvenantError(e, 'PRV_ERR_WIRE_FRAME_TOO_LARGE'));
});

const HOSTILE_BODIES: [string, string][] = [
  ['the never-used byte 0xc1', 'c1'],
  ['a timestamp extension (fixext 4)', 'd6 ff 00000001'],
  ['an ext 8 value', 'c7 01 05 00'],
  ['an array32 header claiming 2^32-1 items', 'dd ffffffff 01'],
  ['a map16 header claiming more entries than bytes', 'de ffff 01 01'],
  ['a truncated bin8', 'c4 05 0102'],
  ['trailing bytes', 'c0 c0'],
  ['a str that is not UTF-8', 'a2 c3 28'],
  ['a long str that is not UTF-8', 'd9 28 ' + '41'.repeat(39) + 'ff'],
  ['a map with an integer key', '81 01 c0'],
  ['a map with a repeated key', '82 a1 61 01 a1 61 02'],
  ['a uint64 beyond 2^53', 'cf 0020000000000000'],
  ['an int64 below -2^53', 'd3 ffdfffffffffffff'],
  ['a truncated float64', 'cb 000000'],
];

for (const [what, body] of HOSTILE_BODIES) {
  test(`rejects ${what} with PRV_ERR_WIRE_MALFORMED`, () => {
    assert.throws(() => decodeStrictMsgpack(unhex(body), LIMITS), (e) => isProvenantError(e, 'PRV_ERR_WIRE_MALFORMED'));
  });
}

test('rejects a deeply nested array bomb at the depth limit', () => {
  const bomb = new Uint8Array(50_000).fill(0x91);
  assert.throws(() => decodeFrameBody(bomb), (e) => isProvenantError(e, 'PRV_ERR_WIRE_MALFORMED'));
});

test('a __proto__ key in a frame is refused and reaches no prototype', () => {
  // {"__proto__": {"polluted": true}} encoded by hand.
  const body = unhex('81 a9 5f5f70726f746f5f5f 81 a8 706f6c6c75746564 c3');
  assert.throws(() => decodeFrameBody(body), (e) => isProvenantError(e, 'PRV_ERR_WIRE_MALFORMED'));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('bin values decode as standalone Uint8Array copies, not views of the receive buffer', () => {
  const frame = encodeFrame({ k: 'res', id: 3, body: { data: new Uint8Array([1, 2, 3]) } });
  const body = frame.subarray(4);
  const decoded = parseFrame(decodeFrameBody(body));
  assert.ok(decoded.k === 'res');
  const data = (decoded.body as { data: Uint8Array }).data;
  assert.equal(Object.getPrototypeOf(data), Uint8Array.prototype);
  body.fill(0);
  assert.deepEqual([...data], [1, 2, 3]);
});

const BAD_FRAMES: [string, unknown][] = [
  ['an unknown kind', { k: 'boom' }],
  ['a request with id 0', { k: 'req', id: 0, op: 'status', body: {} }],
  ['a request with an extra field', { k: 'req', id: 1, op: 'status', body: {}, extra: 1 }],
  ['a ping without its counter', { k: 'ping' }],
  ['a hello with an unknown role', { k: 'hello', v: 1, role: 'client' }],
  ['a chunk whose data is text', { k: 'chunk', id: 1, seq: 0, data: 'abc', end: false }],
  ['a non-map frame', [1, 2, 3]],
];

for (const [what, frame] of BAD_FRAMES) {
  test(`parseFrame rejects ${what}`, () => {
    assert.throws(() => parseFrame(decodeFrameBody(encodeFrame(frame).subarray(4))), (e) => isProvenantError(e, 'PRV_ERR_WIRE_MALFORMED'));
  });
}

test('an error frame with a code unknown to this version still parses as an error', () => {
  const frame = parseFrame({ k: 'err', id: 5, code: 'PRV_ERR_FROM_THE_FUTURE', message: 'x' });
  assert.deepEqual(frame, { k: 'err', id: 5, code: 'PRV_ERR_INTERNAL', message: 'x' });
});
