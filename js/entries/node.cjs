'use strict';
// require('fernet-wasm/node'): the shared instance (js/node-internal.mjs).
module.exports = require('./internal.node.cjs').node;
