// The user code every packaging test runs, wherever it runs, given the
// package's API however it was loaded: encrypt a message for Python,
// decrypt a token from Python, reject a forged one.
export async function roundTripWith({ ready, Fernet, InvalidToken }, { key, pythonToken, message }) {
  await ready();
  const fernet = new Fernet(key);
  let forgedRejected = false;
  try {
    // A changed timestamp byte: the HMAC no longer matches.
    fernet.decrypt(pythonToken.replace(/^gAAAAA/, 'gAAAAB'));
  } catch (error) {
    forgedRejected = error instanceof InvalidToken;
  }
  return {
    token: fernet.encrypt(message),
    decrypted: fernet.decryptToString(pythonToken),
    forgedRejected,
    hasWindow: typeof window !== 'undefined',
  };
}
