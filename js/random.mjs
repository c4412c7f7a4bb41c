// Randomness, only from the platform CSPRNG: crypto.getRandomValues, looked
// up on each use (hosts may install it late), or in the Node bundle
// node:crypto's randomFillSync (js/node-internal.mjs), the same OpenSSL
// generator without the 3-5 ms Node spends loading Web Crypto on first use.
import { NativeUint8Array } from './intrinsics.mjs';

let nodeRandomFill = null;

/** For the Node bundle only: fill bytes from node:crypto's randomFillSync. */
export function useNodeRandom(randomFillSync) {
  nodeRandomFill = randomFillSync;
}

export function hasRandomSource() {
  return nodeRandomFill !== null || typeof globalThis.crypto?.getRandomValues === 'function';
}

function randomValues(bytes) {
  if (nodeRandomFill === null) return globalThis.crypto.getRandomValues(bytes);
  nodeRandomFill(bytes);
  return bytes;
}

// IVs come from a pool: one call serves 4096 tokens. IVs are public, so a
// pooled one is as good as a fresh one. In Node a call between encryptions
// costs 10-50 us whatever its size up to 64 KiB (getRandomValues' most; 5 us
// in a loop of nothing else): a 4 KiB pool made that 40-190 ns a token (2% of
// a 1 KiB one), this one 3-12 ns.
const ivPool = new NativeUint8Array(65536);
let ivPoolOffset = ivPool.length;

/** Writes the next pooled IV into `target` at `offset` (a loop: no view or copy is allocated). */
export function writeRandomIv(target, offset) {
  if (ivPoolOffset === ivPool.length) {
    randomValues(ivPool);
    ivPoolOffset = 0;
  }
  for (let i = 0; i < 16; i++) target[offset + i] = ivPool[ivPoolOffset + i];
  ivPoolOffset += 16;
}

/** A pooled IV as its own 16 bytes. */
export function randomIv() {
  const iv = new NativeUint8Array(16);
  writeRandomIv(iv, 0);
  return iv;
}

/** What a request passes as `iv` to have the core's call write a pooled one in place. */
export const FRESH_IV = Symbol('fresh IV');

/** `size` fresh random bytes for a key; the caller wipes them. */
export function randomKey(size = 32) {
  return randomValues(new NativeUint8Array(size));
}
