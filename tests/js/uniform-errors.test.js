// Every bad token fails the same way: a bad MAC and bad padding under a
// valid MAC (and every other defect) give one InvalidToken, indistinguishable
// by class, message or properties. In the core they meet the same return
// (fernet::Status::kInvalidToken) and the same error object is built here.
const crypto = require('node:crypto');
const { ready, Fernet, InvalidToken } = require('../../dist/fernet.cjs');
const { forgeToken, flipBits } = require('./helpers/tokens');
const { T0 } = require('./helpers/fixtures');

const rawKey = crypto.randomBytes(32);
const signedToken = (blocks, options) => forgeToken(rawKey, blocks, { pad: false, time: T0, ...options });

function caught(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

beforeAll(() => ready());

test('bad MAC, bad padding and every other defect: the same InvalidToken', () => {
  const fernet = new Fernet(rawKey);
  const good = signedToken(Buffer.from('sixteen bytes!!\x01'));
  expect(fernet.decryptToString(good)).toBe('sixteen bytes!!');
  const defects = {
    'bad MAC': flipBits(good, -1, 0x80),
    'bad padding (valid MAC)': signedToken(Buffer.from('sixteen bytes!!\x00')),
    'padding byte > 16 (valid MAC)': signedToken(Buffer.alloc(16, 17)),
    'inconsistent padding (valid MAC)': signedToken(Buffer.from('fifteen bytes!\x01\x02')),
    'wrong version (valid MAC)': signedToken(Buffer.alloc(16, 16), { version: 0x81 }),
    'truncated': good.slice(0, 40),
    'not base64': `${good.slice(0, -4)}!!!!`,
    'expired': [good, 10, T0 + 11],
  };
  const errors = Object.entries(defects).map(([name, token]) => [name, caught(() =>
    (Array.isArray(token) ? fernet.decryptAtTime(...token) : fernet.decrypt(token)))]);
  const shape = (e) => ({
    isInvalidToken: e instanceof InvalidToken, proto: Object.getPrototypeOf(e) === InvalidToken.prototype,
    name: e.name, message: e.message, keys: Object.getOwnPropertyNames(e).filter((k) => k !== 'stack'),
  });
  const first = shape(errors[0][1]);
  expect(first.isInvalidToken).toBe(true);
  for (const [name, error] of errors) expect([name, shape(error)]).toEqual([name, first]);
  // The padding cases really had a valid MAC: extractTimestamp verifies it.
  expect(fernet.extractTimestamp(defects['bad padding (valid MAC)'])).toBe(T0);
});
