'use strict';
// The file helpers' second thread (js/second-thread.mjs), started by them with
// new Worker(this file): the shared bundle's code, its own wasm instance.
require('./internal.node.cjs').serveSecondThread();
