// Node CommonJS: `require` resolves the package's "require" condition.
const { ready, Fernet, InvalidToken } = require('fernet-wasm');

async function main({ key, pythonToken, message }) {
  await ready();
  const fernet = new Fernet(key);
  let forgedRejected = false;
  try {
    fernet.decrypt(pythonToken.replace(/^gAAAAA/, 'gAAAAB'));
  } catch (error) {
    forgedRejected = error instanceof InvalidToken;
  }
  return { token: fernet.encrypt(message), decrypted: fernet.decryptToString(pythonToken), forgedRejected };
}

main(JSON.parse(process.argv[2])).then((result) => console.log(JSON.stringify(result)));
