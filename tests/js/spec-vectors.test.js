// The official Fernet spec vectors (github.com/fernet/spec, the files
// pyca/cryptography's own suite runs), read from ../shared/vectors/fernet-spec
// beside the clone. They are not copied into this repo: where that folder is
// absent (a user's clone) this suite is reported as skipped, by name; in CI
// its absence is a failure.
const fs = require('node:fs');
const path = require('node:path');
const { ready, Fernet, InvalidToken } = require('../../dist/fernet.cjs');
const { pythons, runPython } = require('./helpers/python');

const DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'vectors', 'fernet-spec');
const present = fs.existsSync(path.join(DIR, 'generate.json'));
if (!present && process.env.CI) {
  throw new Error(`official Fernet vectors missing in CI: ${DIR}`);
}
if (!present) {
  console.warn(`Official Fernet spec vectors NOT RUN: ${DIR} not found (CI has it; a user's clone does not).`);
}

const load = (name) => JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8'));
const seconds = (rfc3339) => Math.floor(Date.parse(rfc3339) / 1000);

(present ? describe : describe.skip)(`official Fernet spec vectors (${DIR})`, () => {
  beforeAll(() => ready());

  test('generate: _encryptFromParts gives the exact token', () => {
    const cases = load('generate.json');
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const token = new Fernet(c.secret)._encryptFromParts(c.src, seconds(c.now), Uint8Array.from(c.iv));
      expect(token).toBe(c.token);
    }
  });

  test.each(['verify.json', 'extra/verify.fernet-go.json'])('verify: %s decided as Python decides', (file) => {
    const cases = load(file);
    const verdicts = pythons().map(({ executable }) =>
      runPython(executable, cases.map((c) => ({
        op: 'decrypt', key: c.secret, token: c.token, ttl: c.ttl_sec, now: seconds(c.now),
      }))));
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

  test.each([
    'invalid.json', 'extra/invalid.fernet-go.json', 'extra/invalid.fernet-spec-PR11-strict-base64.json',
  ])('invalid: every case in %s is InvalidToken', (file) => {
    const cases = load(file);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const fernet = new Fernet(c.secret);
      expect(() => fernet.decryptAtTime(c.token, c.ttl_sec, seconds(c.now))).toThrow(InvalidToken);
    }
  });

  test('the core invalid vectors are rejected by Python too (the suite tests what it claims)', () => {
    const cases = load('invalid.json');
    for (const { executable } of pythons()) {
      const results = runPython(executable, cases.map((c) => ({
        op: 'decrypt', key: c.secret, token: c.token, ttl: c.ttl_sec, now: seconds(c.now),
      })));
      for (const r of results) expect(r).toEqual({ error: 'InvalidToken' });
    }
  });
});
