// What the page shows about a token, beyond its fields: how pasted text is
// cleaned, hex and dates. Reading the token's layout (its fields, and why
// text is not a token) is the library's shared parser, js/token-layout.mjs,
// which the CLI's `inspect` uses too. Nothing here verifies anything: the
// page asks the library (with the key) for that.

export const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

const BYTES_LITERAL = /^b(['"])[\s\S]*\1$/;

// What people paste from Python, made into what the library reads, the way
// Python's own decoder treats it: Python's base64 decoding skips every
// character outside the alphabet, so whitespace anywhere (line breaks from
// wrapping, a trailing newline) and the quotes of a string literal are
// harmless and are dropped here too. Python's bytes literal b'…' is not: the
// "b" is a base64 letter, so Python rejects it, and so does the page, saying
// why. Returns { value, note } or { problem }.
export function cleanPasted(text, what) {
  let value = text.trim();
  if (BYTES_LITERAL.test(value)) {
    return {
      problem: `This is a Python bytes literal (b'…'), the way the Python prompt prints the ${what}. `
        + `Python itself does not accept it in that form (the "b" counts as part of the ${what}): copy only `
        + `the text between the quotes, or print ${what}.decode() in Python.`,
    };
  }
  const ignored = [];
  const quoted = /^(['"])([\s\S]*)\1$/.exec(value);
  if (quoted) {
    value = quoted[2];
    ignored.push('quotes');
  }
  if (/\s/.test(value)) {
    value = value.replace(/\s+/g, '');
    ignored.push('line breaks and spaces');
  }
  return { value, note: ignored.length ? `Ignored the ${ignored.join(' and ')} around or in the ${what}, as Python does.` : '' };
}

export function describeTime(seconds) {
  const ms = Number(seconds) * 1000;
  if (!Number.isFinite(ms) || ms > 8.64e15) return `${seconds} (beyond the JavaScript date range)`;
  return `${new Date(ms).toISOString().replace('.000Z', 'Z')} (${seconds})`;
}
