#!/usr/bin/env node
'use strict';

// Bundles the compiled library (dist/index.js) into dist/xnnlite.js and the
// CLI (dist/cli/index.js) into dist/xnnlite-cli.js: what the package's main
// and bin load. One file instead of ~150 modules halves what
// `require('xnnlite')` costs at every process start (module resolution and
// compilation), and the pure-JS packages xnnlite reads and decodes with
// (flatbuffers, jpeg-js) travel inside it, so an install brings none of them.
// Their license texts go to dist/THIRD_PARTY_LICENSES.
//
// Run after tsc (npm run build:ts does both).

const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');

/** Packages resolved at run time, not bundled: node-gyp-build finds the addon relative to the package. */
const EXTERNAL = ['node-gyp-build'];

const result = esbuild.buildSync({
  entryPoints: { xnnlite: path.join(dist, 'index.js'), 'xnnlite-cli': path.join(dist, 'cli', 'index.js') },
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: EXTERNAL,
  metafile: true,
  logLevel: 'warning',
});

// One hash of both bundles names their build, so that start records written by
// one build are never read by another (lib/cache/start-records.ts); the CLI
// and the library share them.
const PLACEHOLDER = '@@XNNLITE_BUNDLE_HASH@@';
const outputs = ['xnnlite.js', 'xnnlite-cli.js'].map((name) => path.join(dist, name));
const texts = outputs.map((file) => fs.readFileSync(file, 'utf8'));
if (!texts.every((text) => text.includes(PLACEHOLDER))) throw new Error(`the bundles lost the build-hash placeholder ${PLACEHOLDER}`);
const buildHash = require('node:crypto').createHash('sha256').update(texts.join('\0')).digest('hex');
outputs.forEach((file, k) => fs.writeFileSync(file, texts[k].split(PLACEHOLDER).join(buildHash)));

const bundled = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) bundled.add(m[1]);
}
const notices = [...bundled].sort().map((name) => {
  const dir = path.join(root, 'node_modules', name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const licenseFile = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  if (!licenseFile) throw new Error(`${name} is bundled but has no license file to carry along`);
  return `${name} ${pkg.version} (${pkg.license})\n\n${fs.readFileSync(path.join(dir, licenseFile), 'utf8').trim()}\n`;
});
fs.writeFileSync(path.join(dist, 'THIRD_PARTY_LICENSES'),
  `dist/xnnlite.js and dist/xnnlite-cli.js include these packages:\n\n${notices.join('\n---\n\n')}`);
