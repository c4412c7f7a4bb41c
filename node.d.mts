// Types for `import` of fernet-wasm/node (dist/node.mjs): the declarations of
// node.d.ts, without the default export TypeScript would otherwise assume
// for a CommonJS-typed file and the ES module does not have.
export * from './node.js';
