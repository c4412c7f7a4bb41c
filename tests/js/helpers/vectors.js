// The official Fernet vectors kept in tests/vectors/ (see its README). Every
// reader goes through here, and a missing, empty or malformed set throws:
// a conformance suite that silently finds nothing would prove nothing.
const fs = require('node:fs');
const path = require('node:path');

const DIR = path.resolve(__dirname, '..', '..', 'vectors');
const FORMAT = 'fernet-wasm vectors 1';

/** One set by file name: { kind, description, source, cases }. */
function loadSet(file) {
  const full = path.join(DIR, file);
  const set = JSON.parse(fs.readFileSync(full, 'utf8'));
  if (set.format !== FORMAT) throw new Error(`${full}: not in the "${FORMAT}" format`);
  const { repository, commit, licence, sha256 } = set.source ?? {};
  if (!repository || !commit || !licence || !/^[0-9a-f]{64}$/.test(sha256 ?? '')) {
    throw new Error(`${full}: the header must name the source repository, commit, licence and SHA-256`);
  }
  if (!Array.isArray(set.cases) || set.cases.length === 0) throw new Error(`${full}: no cases`);
  return set;
}

/** Every set in tests/vectors/, by file name. */
function allSets() {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`no vector sets in ${DIR}`);
  return Object.fromEntries(files.map((f) => [f, loadSet(f)]));
}

/** RFC 3339 time -> Unix seconds. */
const seconds = (rfc3339) => Math.floor(Date.parse(rfc3339) / 1000);

module.exports = { DIR, loadSet, allSets, seconds };
