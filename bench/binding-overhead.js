#!/usr/bin/env node
'use strict';

// Cost of crossing into XNNPACK and back: a trivial graph (4 floats, one
// unary op) run with invoke (sync) and invokeAsync (libuv pool), so that the
// binding's own overhead is what is measured. Run after `npm install`:
//   node bench/binding-overhead.js [--json]

const { native } = require('../dist/native');

async function main() {
  const { Subgraph, Runtime, constants: C } = native();
  const g = new Subgraph(2);
  const input = g.defineTensor(C.datatype.fp32, [4], null, 0, C.valueFlags.externalInput);
  const output = g.defineTensor(C.datatype.fp32, [4], null, 1, C.valueFlags.externalOutput);
  g.defineUnary(C.unary.abs, input, output);
  const runtime = await Runtime.create(g, 1, 0);
  const x = new Float32Array([1, -2, 3, -4]);
  const y = new Float32Array(4);

  const syncRuns = 200_000;
  for (let i = 0; i < 10_000; i++) runtime.invoke([x], [y]);
  let start = process.hrtime.bigint();
  for (let i = 0; i < syncRuns; i++) runtime.invoke([x], [y]);
  const syncUs = Number(process.hrtime.bigint() - start) / 1e3 / syncRuns;

  const asyncRuns = 20_000;
  for (let i = 0; i < 1_000; i++) await runtime.invokeAsync([x], [y]);
  start = process.hrtime.bigint();
  for (let i = 0; i < asyncRuns; i++) await runtime.invokeAsync([x], [y]);
  const asyncUs = Number(process.hrtime.bigint() - start) / 1e3 / asyncRuns;
  runtime.dispose();

  const result = { invokeSyncMicroseconds: syncUs, invokeAsyncMicroseconds: asyncUs };
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`invoke (sync) round trip:       ${syncUs.toFixed(2)} us`);
    console.log(`invokeAsync (libuv) round trip: ${asyncUs.toFixed(2)} us`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
