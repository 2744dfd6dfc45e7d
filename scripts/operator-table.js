#!/usr/bin/env node
'use strict';

// Writes the README's operator table from the op descriptors (lib/ops/operator-table.ts; run `npm run build:ts` first).
const fs = require('node:fs');
const path = require('node:path');
const { withOperatorTable } = require('../dist/ops/operator-table.js');

const file = path.join(__dirname, '..', 'README.md');
fs.writeFileSync(file, withOperatorTable(fs.readFileSync(file, 'utf8')));
