// The Python side of the packaging round trips (tests/packaging/app/src/
// roundtrip-with.js): a key and a token made by Python, and Python's reading
// of the tokens the package made elsewhere.
const { pythons, pythonSessions, runPython, b64 } = require('./python');

/** Round-trip parameters: a fresh Python key and Python's token for `message`. */
function pythonParams(message) {
  const [{ executable }] = pythons();
  const [{ key }] = runPython(executable, [{ op: 'generate_key' }]);
  const [{ token }] = runPython(executable, [{ op: 'encrypt', key, data: b64(new TextEncoder().encode(message)) }]);
  return { key, pythonToken: token, message };
}

const decrypts = (key, tokens) => tokens.map((token) => ({ op: 'decrypt', key, token }));
// What Python decrypted, as text, or its error name.
const readings = (results) => results.map((r) => r.error ?? Buffer.from(r.data, 'base64').toString('utf8'));

/** For each Python, what it decrypts each token to (as text), or its error name. */
function pythonReadings({ key }, tokens) {
  return pythons().map(({ executable }) => readings(runPython(executable, decrypts(key, tokens))));
}

/**
 * pythonReadings for a suite that checks its tokens test by test: the
 * interpreters start once (in beforeAll) and read(tokens) resolves to the
 * same answer. close() in afterAll.
 */
function pythonReader({ key }) {
  const sessions = pythonSessions();
  return {
    read: async (tokens) => (await sessions.run(decrypts(key, tokens))).map(readings),
    close: sessions.close,
  };
}

module.exports = { pythonParams, pythonReadings, pythonReader };
