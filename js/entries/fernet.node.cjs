'use strict';
// require('fernet-wasm') in Node: the shared instance (js/node-internal.mjs).
module.exports = require('./internal.node.cjs').main;
