#!/usr/bin/env python3
"""Derives the 16-entry tables of cpp/aes_ct_tables.h (run: python3 scripts/aes_ct_tables.py
> cpp/aes_ct_tables.h). Nothing here runs at build time; the output is checked in.

The AES S-box is x -> L(x^-1) ^ 0x63 in GF(2^8). To compute it with 16-entry byte shuffles only
(indexes that are 4-bit values, never a whole secret byte), the byte is moved by a linear map
`enc` into the tower field GF(16)[t]/(t^2 + t + nu): x = h*t + l, stored as the nibbles
i = h*nu (high) and k = l (low). With a = 1/nu and j = i ^ k, the inverse follows from
single-nibble GF(16) functions only:

    ak  = a/k          iak = 1/i ^ ak         jak = 1/j ^ ak
    io  = 1/iak ^ j    jo  = 1/jak ^ i        x^-1 = F(io) ^ G(jo)

where 1/0 is "infinity", written 0x80: a shuffle index with the top bit set reads 0 (both
x86 pshufb and wasm i8x16.swizzle), which is what 1/infinity must be. F and G are found by
solving F[io] ^ G[jo] = x^-1 over all 256 x (a consistent system: checked below), then composed
with whatever linear map the next step wants (the S-box's L, a MixColumns multiple, the
encoding of the next round's state), so every table is only 16 bytes and no table is indexed
by more than a nibble.
"""

def gmul(a, b, poly=0x11B, bits=8):
    r = 0
    while b:
        if b & 1:
            r ^= a
        b >>= 1
        a <<= 1
        if (a >> bits) & 1:
            a ^= poly
    return r

def g16(a, b):
    return gmul(a, b, 0x13, 4)

INV16 = [0] * 16
for x in range(1, 16):
    INV16[x] = next(y for y in range(1, 16) if g16(x, y) == 1)

def ginv(x):
    return 0 if x == 0 else next(y for y in range(1, 256) if gmul(x, y) == 1)

def rotl8(x, s):
    return ((x << s) | (x >> (8 - s))) & 0xFF

def L(b):  # the S-box's linear part
    return b ^ rotl8(b, 1) ^ rotl8(b, 2) ^ rotl8(b, 3) ^ rotl8(b, 4)

LINV = [0] * 256
for x in range(256):
    LINV[L(x)] = x
SBOX = [L(ginv(x)) ^ 0x63 for x in range(256)]
assert SBOX[0x00] == 0x63 and SBOX[0x53] == 0xED

# The tower field: pairs (h, l) = h*t + l with t^2 = t + nu.
def tmul(p, q, nu):
    h, l = p
    h2, l2 = q
    hh = g16(h, h2)
    return (hh ^ g16(h, l2) ^ g16(h2, l), g16(hh, nu) ^ g16(l, l2))

def tpow(p, n, nu):
    r = (0, 1)
    for _ in range(n):
        r = tmul(r, p, nu)
    return r

NU = next(nu for nu in range(16) if all(g16(h, h) ^ h ^ nu for h in range(16)))
A = INV16[NU]
# A root of the AES polynomial x^8 + x^4 + x^3 + x + 1 in the tower field gives the isomorphism.
for BETA in ((h, l) for h in range(16) for l in range(16)):
    s = (0, 0)
    for e in (8, 4, 3, 1, 0):
        p = tpow(BETA, e, NU)
        s = (s[0] ^ p[0], s[1] ^ p[1])
    if s == (0, 0):
        break
POWERS = [tpow(BETA, e, NU) for e in range(8)]

def enc(x):
    h = l = 0
    for e in range(8):
        if (x >> e) & 1:
            h ^= POWERS[e][0]
            l ^= POWERS[e][1]
    return (g16(h, NU) << 4) | l

assert len({enc(x) for x in range(256)}) == 256
INF = 0x80
INV = [INF] + INV16[1:]
TA = [INF] + [g16(A, INV16[k]) for k in range(1, 16)]

def look(t, idx):
    return t[idx] if idx < 16 else 0

def core(e):
    k, i = e & 15, e >> 4
    j = i ^ k
    ak = look(TA, k)
    iak = look(INV, i) ^ ak
    jak = look(INV, j) ^ ak
    return look(INV, iak) ^ j, look(INV, jak) ^ i

# Solve F[io] ^ G[jo] = x^-1; an index >= 16 reads 0, so those unknowns are pinned to 0.
edges = {}
for x in range(256):
    io, jo = core(enc(x))
    u, w = ('F', min(io, 16)), ('G', min(jo, 16))
    edges.setdefault(u, []).append((w, ginv(x)))
    edges.setdefault(w, []).append((u, ginv(x)))
val = {}
for start in sorted(edges, key=lambda n: n[1] != 16):
    if start in val:
        continue
    val[start] = 0
    stack = [start]
    while stack:
        n = stack.pop()
        for m, t in edges[n]:
            want = val[n] ^ t
            if m in val:
                assert val[m] == want, 'inconsistent system'
            else:
                assert m[1] != 16 or want == 0
                val[m] = want
                stack.append(m)
F = [val.get(('F', v), 0) for v in range(16)]
G = [val.get(('G', v), 0) for v in range(16)]
for x in range(256):
    io, jo = core(enc(x))
    assert (F[io] if io < 16 else 0) ^ (G[jo] if jo < 16 else 0) == ginv(x)

def pair(fn):
    """Output tables for a linear fn of x^-1: fn(F[io]) and fn(G[jo])."""
    return [fn(v) for v in F], [fn(v) for v in G]

def dec_basis(y):  # the decryption state's encoding: enc of L^-1
    return enc(LINV[y])

tables = {}
# Plain byte -> encoded (encryption): split into nibbles, enc is linear.
tables['enc_lo'] = [enc(v) for v in range(16)]
tables['enc_hi'] = [enc(v << 4) for v in range(16)]
# Plain byte -> encoded input of the inverse S-box, enc(L^-1(y ^ 0x63)) = dec_basis(y) ^ enc(5).
tables['dec_lo'] = [dec_basis(v) ^ enc(LINV[0x63]) for v in range(16)]
tables['dec_hi'] = [dec_basis(v << 4) for v in range(16)]
tables['inv'] = INV
tables['ta'] = TA
# Encryption: L(x^-1) (the S-box without its constant) and 2*L(x^-1), in the encoded basis
# for the middle rounds and in the plain basis for the last round and the key schedule.
tables['e1_f'], tables['e1_g'] = pair(lambda v: enc(L(v)))
tables['e2_f'], tables['e2_g'] = pair(lambda v: enc(gmul(2, L(v))))
tables['s_f'], tables['s_g'] = pair(L)
# Decryption: c*x^-1 for InvMixColumns' multiples, in the decryption basis; plain for the last.
for c in (9, 11, 13, 14):
    tables[f'd{c}_f'], tables[f'd{c}_g'] = pair(lambda v, c=c: dec_basis(gmul(c, v)))
tables['si_f'], tables['si_g'] = pair(lambda v: v)

# Simulate one S-box and inverse S-box through the tables, as the C++ does.
for x in range(256):
    e = look(tables['enc_lo'], x & 15) ^ look(tables['enc_hi'], x >> 4)
    io, jo = core(e)
    assert look(tables['s_f'], io) ^ look(tables['s_g'], jo) ^ 0x63 == SBOX[x]
    y = SBOX[x]
    e = look(tables['dec_lo'], y & 15) ^ look(tables['dec_hi'], y >> 4)
    io, jo = core(e)
    assert look(tables['si_f'], io) ^ look(tables['si_g'], jo) == x

print('// Generated by scripts/aes_ct_tables.py: do not edit. 16-entry shuffle tables for the')
print('// constant-time AES in aes_ct.cpp (see the script for the derivation). nu = %d.' % NU)
print('#ifndef FERNET_AES_CT_TABLES_H')
print('#define FERNET_AES_CT_TABLES_H')
print('#include <cstdint>')
print('namespace fernet_aes_ct {')
print('// The encoded form of 0x63 (the S-box constant) and of 0x05 (its image under L^-1).')
print('constexpr uint8_t kEncC63 = 0x%02x;' % enc(0x63))
print('constexpr uint8_t kEncC05 = 0x%02x;' % enc(0x05))
print('struct Table { uint8_t b[16]; };')
for name, t in tables.items():
    assert len(t) == 16 and all(0 <= v < 256 for v in t)
    print('constexpr Table k_%s = {{%s}};' % (name, ', '.join('0x%02x' % v for v in t)))
print('}  // namespace fernet_aes_ct')
print('#endif')
