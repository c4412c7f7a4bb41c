// The official Fernet spec vectors (github.com/fernet/spec, the files
// pyca/cryptography's own suite runs, plus the strict-base64 cases of its
// pull request 11 and fernet-go's extra cases), kept in tests/vectors/.
// Nothing here can skip: a missing or empty set throws and fails the suite.
const { ready, Fernet, InvalidToken } = require('../../dist/fernet.cjs');
const { pythons, runPython } = require('./helpers/python');
const { allSets, loadSet, seconds } = require('./helpers/vectors');

const byKind = (kind) => Object.entries(allSets()).filter(([, set]) => set.kind === kind).map(([file]) => file);
const GENERATE = byKind('generate');
const VERIFY = byKind('verify');
const INVALID = byKind('invalid');

describe('official Fernet vectors (tests/vectors)', () => {
  beforeAll(() => ready());

  test('every set is present, with its source named', () => {
    // The files the suites below rely on, by name: losing one is a failure.
    expect(GENERATE).toEqual(['fernet-spec.generate.json']);
    expect(VERIFY.sort()).toEqual(['fernet-go.verify.json', 'fernet-spec.verify.json']);
    expect(INVALID.sort()).toEqual([
      'fernet-go.invalid.json', 'fernet-spec-pr11.invalid-strict-base64.json', 'fernet-spec.invalid.json',
    ]);
    const counts = Object.fromEntries(Object.entries(allSets()).map(([file, set]) => [file, set.cases.length]));
    expect(counts).toEqual({
      'fernet-spec.generate.json': 1,
      'fernet-spec.verify.json': 1,
      'fernet-spec.invalid.json': 8,
      'fernet-spec-pr11.invalid-strict-base64.json': 11,
      'fernet-go.invalid.json': 10,
      'fernet-go.verify.json': 2,
    });
  });

  test.each(GENERATE)('generate: %s gives the exact token from its parts', (file) => {
    for (const c of loadSet(file).cases) {
      const token = new Fernet(c.secret)._encryptFromParts(c.src, seconds(c.now), Uint8Array.from(c.iv));
      expect(token).toBe(c.token);
    }
  });

  test.each(VERIFY)('verify: %s decided as Python decides', (file) => {
    const { cases } = loadSet(file);
    const verdicts = pythons().map(({ executable }) =>
      runPython(executable, cases.map((c) => ({
        op: 'decrypt', key: c.secret, token: c.token, ttl: c.ttl_sec, now: seconds(c.now),
      }))));
    expect(verdicts.length).toBeGreaterThan(0);
    cases.forEach((c, i) => {
      const fernet = new Fernet(c.secret);
      let ours;
      try {
        ours = { data: Buffer.from(fernet.decryptAtTime(c.token, c.ttl_sec, seconds(c.now))).toString('base64') };
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidToken);
        ours = { error: 'InvalidToken' };
      }
      for (const python of verdicts) expect(ours).toEqual(python[i]);
      if (ours.data) expect(Buffer.from(ours.data, 'base64').toString()).toBe(c.src);
    });
  });

  test('verify: the spec case really decrypts (the suite is not all rejections)', () => {
    const [c] = loadSet('fernet-spec.verify.json').cases;
    expect(Buffer.from(new Fernet(c.secret).decryptAtTime(c.token, c.ttl_sec, seconds(c.now))).toString()).toBe(c.src);
  });

  test.each(INVALID)('invalid: every case in %s is InvalidToken', (file) => {
    for (const c of loadSet(file).cases) {
      const fernet = new Fernet(c.secret);
      expect(() => fernet.decryptAtTime(c.token, c.ttl_sec, seconds(c.now))).toThrow(InvalidToken);
    }
  });

  test('the core invalid vectors are rejected by Python too (the suite tests what it claims)', () => {
    const { cases } = loadSet('fernet-spec.invalid.json');
    for (const { executable } of pythons()) {
      const results = runPython(executable, cases.map((c) => ({
        op: 'decrypt', key: c.secret, token: c.token, ttl: c.ttl_sec, now: seconds(c.now),
      })));
      for (const r of results) expect(r).toEqual({ error: 'InvalidToken' });
    }
  });
});
