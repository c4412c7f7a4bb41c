// The Python side of the packaging round trips (tests/packaging/app/src/
// roundtrip-with.js): a key and a token made by Python, and Python's reading
// of the tokens the package made elsewhere.
const { pythons, runPython, b64 } = require('./python');

/** Round-trip parameters: a fresh Python key and Python's token for `message`. */
function pythonParams(message) {
  const [{ executable }] = pythons();
  const [{ key }] = runPython(executable, [{ op: 'generate_key' }]);
  const [{ token }] = runPython(executable, [{ op: 'encrypt', key, data: b64(new TextEncoder().encode(message)) }]);
  return { key, pythonToken: token, message };
}

/** For each Python, what it decrypts each token to (as text), or its error name. */
function pythonReadings({ key }, tokens) {
  return pythons().map(({ executable }) =>
    runPython(executable, tokens.map((token) => ({ op: 'decrypt', key, token })))
      .map((r) => r.error ?? Buffer.from(r.data, 'base64').toString('utf8')));
}

module.exports = { pythonParams, pythonReadings };
