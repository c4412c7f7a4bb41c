// The shipped wasm carries no AES lookup table: AES is the constant-time shuffle
// implementation (cpp/aes_ct.cpp), not mbedTLS's table code, whose S-box and T-tables are
// what a cache-timing attack reads. The tables are computed here from their definition
// (GF(2^8) inverse and affine map), not copied, and searched for in the built bytes: the
// .wasm file and the copy inlined (a string, one character a byte) in each single-file bundle.
const vm = require('node:vm');
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', '..', 'dist');

function gmul(a, b) {
  let r = 0;
  while (b) {
    if (b & 1) r ^= a;
    b >>= 1;
    a <<= 1;
    if (a & 0x100) a ^= 0x11b;
  }
  return r;
}
const rotl8 = (x, s) => ((x << s) | (x >> (8 - s))) & 0xff;
const inverse = (x) => (x === 0 ? 0 : [...Array(256).keys()].find((y) => gmul(x, y) === 1));
const SBOX = Uint8Array.from({ length: 256 }, (_, x) => {
  const b = inverse(x);
  return b ^ rotl8(b, 1) ^ rotl8(b, 2) ^ rotl8(b, 3) ^ rotl8(b, 4) ^ 0x63;
});
const INV_SBOX = new Uint8Array(256);
SBOX.forEach((s, x) => { INV_SBOX[s] = x; });

// A T-table's first entries, as 32-bit words in either byte order: the encryption table
// (2s, s, s, 3s) and the decryption one (14s', 9s', 13s', 11s') and their byte rotations,
// which is how mbedTLS (FT0..FT3, RT0..RT3) and other table AES code store them.
function tableRows(box, coefficients) {
  const rows = [];
  for (let rotation = 0; rotation < 4; ++rotation) {
    for (const littleEndian of [true, false]) {
      const bytes = [];
      for (let x = 0; x < 4; ++x) {
        const word = coefficients.map((_, i) => gmul(coefficients[(i + rotation) % 4], box[x]));
        bytes.push(...(littleEndian ? word : word.slice().reverse()));
      }
      rows.push(Uint8Array.from(bytes));
    }
  }
  return rows;
}

function contains(haystack, needle) {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle)) >= 0;
}

const needles = [
  ['the AES S-box', SBOX],
  ['the inverse S-box', INV_SBOX],
  ['the first 64 bytes of the S-box', SBOX.subarray(0, 64)],
  ['the first 64 bytes of the inverse S-box', INV_SBOX.subarray(0, 64)],
  ...tableRows(SBOX, [2, 1, 1, 3]).map((row) => ['a forward T-table row', row]),
  ...tableRows(INV_SBOX, [14, 9, 13, 11]).map((row) => ['an inverse T-table row', row]),
];

function inlinedWasm(bundle) {
  const source = fs.readFileSync(path.join(dist, bundle), 'utf8');
  // The wasm is inlined as a string literal whose characters are its bytes.
  // (esbuild may print it with any of the three quotes.)
  const inline = source.match(/WASM_TEXT = (`(?:[^`\\]|\\[^])*`|"(?:[^"\\]|\\[^])*"|'(?:[^'\\]|\\[^])*')/);
  if (!inline) throw new Error(`no inlined wasm found in dist/${bundle}`);
  return Buffer.from(vm.runInNewContext(inline[1]), 'latin1');
}

function shippedWasms() {
  const wasms = [['dist/fernet_core.wasm', fs.readFileSync(path.join(dist, 'fernet_core.wasm'))]];
  for (const bundle of ['fernet.mjs', 'fernet.cjs']) {
    const bytes = inlinedWasm(bundle);
    expect(bytes.equals(wasms[0][1])).toBe(true);
    wasms.push([`dist/${bundle} (inlined)`, bytes]);
  }
  // Node's link of the same core (with the file helpers' second thread).
  const node = inlinedWasm('internal.node.cjs');
  expect(node.equals(wasms[0][1])).toBe(false);
  wasms.push(['dist/internal.node.cjs (inlined, Node\'s link)', node]);
  return wasms;
}

describe('no AES lookup tables in the shipped wasm', () => {
  test('the tables computed here are the real ones (FIPS-197 values)', () => {
    expect([SBOX[0x00], SBOX[0x01], SBOX[0x53], SBOX[0xff]]).toEqual([0x63, 0x7c, 0xed, 0x16]);
    expect([INV_SBOX[0x00], INV_SBOX[0x63]]).toEqual([0x52, 0x00]);
    // mbedTLS's FT0[0] is 0xa56363c6, stored little-endian.
    expect(Array.from(tableRows(SBOX, [2, 1, 1, 3])[0].subarray(0, 4))).toEqual([0xc6, 0x63, 0x63, 0xa5]);
  });

  test('the search finds a table when one is there', () => {
    const planted = Buffer.concat([Buffer.from('padding'), Buffer.from(tableRows(INV_SBOX, [14, 9, 13, 11])[3]), Buffer.from('end')]);
    expect(needles.some(([, needle]) => contains(planted, needle))).toBe(true);
  });

  test.each(shippedWasms())('%s', (_name, bytes) => {
    expect(bytes.subarray(0, 4).toString('binary')).toBe('\0asm');
    const found = needles.filter(([, needle]) => contains(bytes, needle)).map(([what]) => what);
    expect(found).toEqual([]);
  });
});
