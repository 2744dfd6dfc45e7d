#!/usr/bin/env node
'use strict';

require('../dist/xnnlite-cli.js').main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`xnnlite: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  },
);
