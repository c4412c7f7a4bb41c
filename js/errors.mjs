// The library's one token error, and the messages shared by several modules.

/** Thrown for every token that fails to verify or decrypt, whatever the reason. */
export class InvalidToken extends Error {
  constructor() {
    super('Invalid token');
    this.name = 'InvalidToken';
  }
}

export const KEY_MESSAGE = 'Fernet key must be 32 url-safe base64-encoded bytes.';
