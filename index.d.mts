// Types for `import` (dist/fernet.mjs): the same declarations as index.d.ts,
// which describes `require` (dist/fernet.cjs). Without this file TypeScript
// would read index.d.ts as CommonJS for ESM importers too and offer them a
// default export that the ES module does not have.
export * from './index.js';
