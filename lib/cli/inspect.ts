import { inspectModel } from '../inspect';
import { bytes, shape, table } from '../text-format';
import { oneModel, type Command } from './usage';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'inputs, outputs, operators and where each runs',
  usage: 'xnnlite inspect MODEL [--json]',
  help: '  --json     print the report as JSON',
  options: { json: { type: 'boolean' } },
  async run(positionals, values) {
    const file = oneModel(positionals, 'inspect');
    const r = await inspectModel(file);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      return r.supported ? 0 : 3;
    }
    const lines: string[] = [];
    lines.push(`${file}: ${bytes(r.byteLength)}, schema version ${r.version}${r.description ? `, "${r.description}"` : ''}`);
    const tensors = (list: typeof r.inputs) => table([['  name', 'shape', 'dtype', 'quantization'], ...list.map((t) => [
      `  ${t.name}`, t.shapeSignature ? `${shape(t.shape)} (dynamic: ${shape(t.shapeSignature)})` : shape(t.shape), t.dtype,
      t.quantization ? `scale ${t.quantization.scale.length > 1 ? `[${t.quantization.scale.length} per-channel]` : t.quantization.scale[0]}, zero point ${t.quantization.zeroPoint.length > 1 ? '[per-channel]' : t.quantization.zeroPoint[0]}` : '-',
    ])]);
    lines.push('', 'inputs:', tensors(r.inputs), '', 'outputs:', tensors(r.outputs), '');
    const byOp = new Map<string, { count: number; xnnpack: number; reference: number; folded: number; control: number; unsupported: string[] }>();
    for (const p of r.placement) {
      const e = byOp.get(p.op) ?? { count: 0, xnnpack: 0, reference: 0, folded: 0, control: 0, unsupported: [] as string[] };
      e.count++;
      if (p.runsOn === 'xnnpack') e.xnnpack++;
      if (p.runsOn === 'reference') e.reference++;
      if (p.runsOn === 'folded') e.folded++;
      if (p.runsOn === 'control') e.control++;
      if (p.runsOn === 'unsupported') e.unsupported.push(`#${p.index}: ${p.reason}`);
      byOp.set(p.op, e);
    }
    lines.push('operators:', table([['  op', 'count', 'runs on'], ...[...byOp.entries()].sort((a, b) => b[1].count - a[1].count).map(([op, e]) => [
      `  ${op}`, String(e.count),
      [e.xnnpack ? `XNNPACK ${e.xnnpack}` : '', e.reference ? `reference kernels ${e.reference}` : '', e.folded ? `folded into constants at load ${e.folded}` : '', e.control ? `the session's program (control flow, variables) ${e.control}` : '', e.unsupported.length ? `UNSUPPORTED ${e.unsupported.length}` : ''].filter(Boolean).join(', '),
    ])]));
    const problems = r.placement.filter((p) => p.runsOn === 'unsupported');
    if (problems.length) {
      lines.push('', 'cannot run:');
      for (const p of problems) lines.push(`  ${p.op} #${p.index}: ${p.reason}`);
    }
    lines.push('', 'weights:', table([['  stored as', 'tensors', 'size'], ...Object.entries(r.weights).map(([dtype, w]) => [`  ${dtype}`, String(w!.tensors), bytes(w!.bytes)])]));
    lines.push('', `compute: ${(r.macs / 1e6).toFixed(1)} million multiply-accumulates per inference`);
    if (r.sparseInference) lines.push('sparse: weights are stored sparse (a pruned model); sessions let XNNPACK run them in its sparse kernels');
    if (r.metadataNames.length) lines.push(`metadata: ${r.metadataNames.join(', ')}`);
    if (r.signatures.length) {
      lines.push('', `signatures (a default session runs ${JSON.stringify(r.signatures[0].key)}; --signature KEY picks another):`);
      for (const sig of r.signatures) {
        const io = (list: readonly (typeof r.inputs)[number][]) => list.map((t) => `${t.name} ${shape(t.shapeSignature ?? t.shape)} ${t.dtype}`).join(', ');
        lines.push(`  ${sig.key} (subgraph ${sig.subgraphIndex}): inputs ${io(sig.inputs) || '-'}; outputs ${io(sig.outputs) || '-'}`);
      }
    }
    if (r.subgraphs.length > 1) {
      lines.push('', 'subgraphs:', ...r.subgraphs.map((sg) => `  ${sg.index}${sg.name ? ` (${sg.name})` : ''}: ${sg.operators} operators, ${sg.tensors} tensors`));
    }
    if (r.steps.length > 0) {
      const partitions = r.steps.filter((s) => s.runsOn === 'xnnpack').length;
      lines.push('', `plan: ${r.steps.length} step(s): ${partitions} XNNPACK partition(s), ${r.steps.length - partitions} reference kernel call(s)`);
      const label = (i: number) => `${r.placement[i].op} #${i}`;
      r.steps.forEach((s, k) => {
        const ops = s.operators.length <= 4 ? s.operators.map(label).join(', ') : `${s.operators.length} operators, ${label(s.operators[0])} ... ${label(s.operators[s.operators.length - 1])}`;
        lines.push(`  ${k + 1}. ${s.runsOn === 'xnnpack' ? 'XNNPACK' : 'reference'}: ${ops}`);
      });
    }
    if (r.rewrites.length > 0) {
      lines.push('', `rewrites: ${r.rewrites.length} (sessions run the graph rewritten so; createSession({ optimize: false }) runs it as it is)`);
      for (const w of r.rewrites) lines.push(`  ${w.rule}: ${w.operators.map((i) => `${r.placement[i]?.op ?? 'operator'} #${i}`).join(', ')}`);
    }
    if (r.placement.some((p) => p.runsOn === 'reference')) {
      lines.push('note: the reference kernels are xnnlite\'s portable C++ for what XNNPACK does not run (operators, int16 activations); `xnnlite bench --profile` shows their time');
    }
    lines.push(r.supported ? 'status: every operator runs' : `status: ${problems.length} operator(s) cannot run; loadModel() will refuse this model`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return r.supported ? 0 : 3;
  },
};
