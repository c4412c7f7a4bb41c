// Randomness, only from the platform CSPRNG (crypto.getRandomValues).
import { NativeUint8Array, randomValues } from './intrinsics.mjs';

// IVs come from a pool: one getRandomValues call serves 64 tokens. IVs are
// public, so a pooled one is as good as a fresh one; each is copied out.
const ivPool = new NativeUint8Array(1024);
let ivPoolOffset = ivPool.length;

export function randomIv() {
  if (ivPoolOffset === ivPool.length) {
    randomValues(ivPool);
    ivPoolOffset = 0;
  }
  const iv = ivPool.slice(ivPoolOffset, ivPoolOffset + 16);
  ivPoolOffset += 16;
  return iv;
}

/** 32 fresh random bytes for a key; the caller wipes them. */
export function randomKey() {
  return randomValues(new NativeUint8Array(32));
}
