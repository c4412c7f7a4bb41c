// The README's Node and CLI snippets run as written, in a folder holding the
// files they name (and nothing they would overwrite: they never need --force).
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const blocks = [...README.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], code: m[2] }));
const block = (lang, marker) => {
  const found = blocks.find((b) => b.lang === lang && b.code.includes(marker));
  if (!found) throw new Error(`README has no ${lang} block with ${marker}`);
  return found.code;
};

let dir;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-readme-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the CLI block', () => {
  const { Fernet, ready } = require('../../dist/fernet.node.cjs');
  return ready().then(() => {
    const [oldKey, newKey] = [Fernet.generateKey(), Fernet.generateKey()];
    const iso = crypto.randomBytes(300_000);
    fs.writeFileSync(path.join(dir, 'big.iso'), iso);
    fs.writeFileSync(path.join(dir, 'old.fernet'), new Fernet(oldKey).encrypt('rotated'));
    fs.writeFileSync(path.join(dir, 'token.fernet'), new Fernet(oldKey).encrypt('inspected'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'my notes');
    fs.writeFileSync(path.join(dir, 'pw.txt'), 'correct horse\n');
    const script = `fernet() { node ${JSON.stringify(path.join(ROOT, 'bin', 'fernet.mjs'))} "$@"; }\nset -e\n${block('sh', 'fernet keygen')}`;
    const out = execFileSync('bash', ['-c', script], {
      cwd: dir,
      env: { ...process.env, NEW: newKey, OLD: oldKey, FERNET_PASSWORD: 'correct horse' },
      encoding: 'utf8',
    });
    expect(fs.readFileSync(path.join(dir, 'restored.iso')).equals(iso)).toBe(true);
    expect(new Fernet(newKey).decryptToString(fs.readFileSync(path.join(dir, 'new.fernet'), 'utf8'))).toBe('rotated');
    expect(out).toContain('my notes');
  });
}, 120_000);

test('the Node streaming and files block', () => {
  const script = path.join(ROOT, 'test-artifacts', `readme-${process.pid}.mjs`);
  fs.mkdirSync(path.dirname(script), { recursive: true });
  const backup = crypto.randomBytes(200_000).toString('hex');
  fs.writeFileSync(path.join(dir, 'backup.tar'), backup);
  fs.writeFileSync(script, [
    "import { ready, Fernet } from 'fernet-wasm';",
    'await ready();',
    'const fernet = new Fernet(Fernet.generateKey());',
    "const file = new Blob(['some file']);",
    "const tokenBlob = new Blob([fernet.encrypt('a token')]);",
    `process.chdir(${JSON.stringify(dir)});`,
    block('js', "from 'fernet-wasm/node'"),
    "console.log(await new Response(plainStream).text(), (await new Response(tokenStream).text()).slice(0, 4));",
  ].join('\n'));
  try {
    const out = execFileSync(process.execPath, [script], { cwd: ROOT, encoding: 'utf8' });
    expect(out.trim()).toBe('a token gAAA');
    expect(fs.readFileSync(path.join(dir, 'restored.tar'), 'utf8')).toBe(backup);
  } finally {
    fs.rmSync(script, { force: true });
  }
});
