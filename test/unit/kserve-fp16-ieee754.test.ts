import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHalfBits, toHalfBits } from '@provenant/protocol';

// IEEE 754-2008 binary16 reference points (§3.6: 1 sign, 5 exponent, 10 fraction bits).
const EXACT: [number, number][] = [
  [0, 0x0000],
  [-0, 0x8000],
  [1, 0x3c00],
  [-2, 0xc000],
  [65504, 0x7bff], // largest finite
  [2 ** -14, 0x0400], // smallest normal
  [2 ** -24, 0x0001], // smallest subnormal
  [0.333251953125, 0x3555], // nearest half to 1/3
  [Infinity, 0x7c00],
  [-Infinity, 0xfc00],
];

test('exact binary16 values convert both ways bit for bit', () => {
  for (const [value, bits] of EXACT) {
    assert.equal(toHalfBits(value), bits, `toHalfBits(${value})`);
    assert.ok(Object.is(fromHalfBits(bits), value), `fromHalfBits(0x${bits.toString(16)})`);
  }
});

test('rounds to nearest with ties to even, straight from binary64', () => {
  // 1 + 2^-11 lies halfway between 1 (even fraction) and 1 + 2^-10: ties go to the even one.
  assert.equal(toHalfBits(1 + 2 ** -11), 0x3c00);
  // 1 + 3 * 2^-11 lies halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even).
  assert.equal(toHalfBits(1 + 3 * 2 ** -11), 0x3c02);
  // Just above the tie rounds up; a binary32 detour would lose this last bit and tie instead.
  assert.equal(toHalfBits(1 + 2 ** -11 + 2 ** -40), 0x3c01);
  // 65519.99 rounds down to 65504; 65520 is the tie to 65536 = infinity (even).
  assert.equal(toHalfBits(65519.99), 0x7bff);
  assert.equal(toHalfBits(65520), 0x7c00);
  // Half the smallest subnormal ties to zero; anything above rounds to it.
  assert.equal(toHalfBits(2 ** -25), 0x0000);
  assert.equal(toHalfBits(2 ** -25 + 2 ** -40), 0x0001);
  // Subnormal rounding that carries into the smallest normal.
  assert.equal(toHalfBits(2 ** -14 - 2 ** -26), 0x0400);
});

test('every binary16 pattern except NaN payloads survives a round trip', () => {
  for (let bits = 0; bits <= 0xffff; bits++) {
    const value = fromHalfBits(bits);
    if (Number.isNaN(value)) {
      assert.equal(toHalfBits(value), 0x7e00);
      continue;
    }
    assert.equal(toHalfBits(value), bits, `0x${bits.toString(16)}`);
  }
});
