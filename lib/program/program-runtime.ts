/**
 * The runtime of a model with control flow or resource variables: each
 * subgraph it runs is cut at its control operators into graph steps (each
 * an ordinary plan: XNNPACK partitions and reference kernels, one native
 * runtime per input shapes seen) and control steps, which this program runs
 * between them as TFLite's IF, WHILE, CALL_ONCE, VAR_HANDLE, READ_VARIABLE
 * and ASSIGN_VARIABLE kernels do. Values pass between steps as arrays;
 * variables live here, one set per session.
 *
 * The interpreter is a generator that yields what needs native work
 * (making a runtime, invoking one): run() drives it asynchronously,
 * runSync() on the calling thread (where it can only use runtimes already
 * made).
 */
import { DisposedError, InvalidValueError, ModelFormatError } from '../errors';
import { Node } from '../core/node';
import type { DType } from '../model/schema';
import type { SubgraphDef } from '../model/types';
import { analysisAtShapes, ensureSupported, type SubgraphAnalysis } from '../plan/analysis';
import type { PlacedOp } from '../plan/placement';
import { buildSessionPlan, disposeSessionPlan } from '../plan/session-plan';
import type { ModelLimits } from '../model/validate';
import type { NativeCacheRequest, NativeRuntime } from '../native';
import { createRuntime, type Runtime } from '../runtime';
import type { ResolvedSessionOptions, WeightCacheInfo } from '../session';
import type { TensorArray } from '../session';
import { arrayTypeOf } from '../tensor-values';
import { callOf, calledSubgraphs, variableName, type Call } from './calls';

/** A tensor's value between steps: an array at a shape, or a resource variable's handle. */
type ArrayValue = { data: TensorArray; shape: number[]; dtype: DType };
type Value = ArrayValue | { variable: string };

/** Consecutive operators a backend runs, as one plan; its boundary tensors, in plan order. */
interface GraphStep {
  kind: 'graph';
  ops: PlacedOp[];
  inputs: number[];
  outputs: number[];
  /** Names its weights' cache file apart from other steps'. */
  key: string;
  /** A native runtime per input shapes met, with the shapes of its outputs there. */
  runtimes: Map<string, { runtime: NativeRuntime; outputs: { shape: number[]; dtype: DType }[] }>;
}

interface ControlStep {
  kind: 'control';
  node: Node;
  control: NonNullable<PlacedOp['control']>;
  call?: Call;
}

interface SubgraphProgram {
  index: number;
  analysis: SubgraphAnalysis;
  steps: (GraphStep | ControlStep)[];
  /** Its constants as values, made on first read (a loop reads them at every iteration); nothing writes into values. */
  constants: Map<number, Value>;
}

/** What the interpreter asks its driver for. */
type Request =
  | { make: GraphStep; program: SubgraphProgram; shapes: number[][] }
  | { invoke: NativeRuntime; inputs: TensorArray[]; outputs: TensorArray[] };

export interface ProgramContext {
  subgraphs: readonly SubgraphDef[];
  /** Subgraph `index` analysed (as the entry's own analysis is, with or without rewrites). */
  analysisOf(index: number): SubgraphAnalysis;
  options: ResolvedSessionOptions;
  limits: ModelLimits;
  /** The weight-cache request for the step named `key`, if the session has a cache. */
  cacheFor(key: string): NativeCacheRequest | undefined;
}

/** How many runtimes a step keeps for input shapes met at run time (a loop whose shapes grow makes one per iteration). */
const RUNTIMES_PER_STEP = 8;

const elementCount = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const shapeKey = (shapes: readonly (readonly number[])[]) => shapes.map((s) => s.join('x')).join('|');

/** Whether a subgraph analysis holds control flow or variable operators (and so needs a program). */
export function needsProgram(analysis: SubgraphAnalysis): boolean {
  return analysis.placed.some((p) => p.control);
}

/**
 * The programs of `entry`'s subgraph and of every subgraph it can call,
 * checked: every operator runs somewhere, every call names subgraphs that
 * exist with the operand counts it passes, and no subgraph calls itself.
 * Throws ModelFormatError or UnsupportedOpError naming the operator.
 */
export function buildPrograms(subgraphs: readonly SubgraphDef[], analysisOf: (index: number) => SubgraphAnalysis, entry: SubgraphAnalysis): Map<number, SubgraphProgram> {
  const programs = new Map<number, SubgraphProgram>();
  build(entry.index, entry, []);
  return programs;

  function build(index: number, analysis: SubgraphAnalysis | undefined, path: string[]): SubgraphProgram {
    const known = programs.get(index);
    if (known) return known;
    const a = analysis ?? analysisOf(index);
    ensureSupported(a);
    const program: SubgraphProgram = { index, analysis: a, steps: [], constants: new Map() };
    programs.set(index, program);
    const { subgraph } = a;
    const live = a.placed.filter((p) => !p.folded);
    // Tensors read after each point: a graph step's outputs are those a later step, or the subgraph's caller, reads.
    const readLater = (from: number) => {
      const read = new Set<number>(subgraph.outputs);
      for (const p of live.slice(from)) for (const i of p.node.def.inputs) if (i >= 0) read.add(i);
      return read;
    };
    let k = 0;
    while (k < live.length) {
      const p = live[k];
      if (p.control) {
        const step: ControlStep = { kind: 'control', node: p.node, control: p.control };
        if (p.control === 'if' || p.control === 'while' || p.control === 'call-once') {
          step.call = callOf(p.node, p.control, subgraphs);
          for (const callee of calledSubgraphs(step.call)) {
            const chain = [...path, `subgraph ${index} (${p.node.label})`];
            if (chain.some((c) => c.startsWith(`subgraph ${callee} `)) || callee === index) {
              throw new ModelFormatError(p.node.label, `subgraph ${callee} calls itself (through ${chain.join(' -> ')}): recursion is not allowed`);
            }
            build(callee, undefined, chain);
          }
        }
        if (p.control === 'var-handle') variableName(p.node);
        program.steps.push(step);
        k++;
        continue;
      }
      const ops: PlacedOp[] = [];
      while (k < live.length && !live[k].control) ops.push(live[k++]);
      const produced = new Set(ops.flatMap((q) => q.node.def.outputs));
      const inputs = [...new Set(ops.flatMap((q) => q.node.def.inputs))]
        .filter((t) => t >= 0 && !produced.has(t) && !a.statics.isStatic(subgraph.tensors[t]));
      const later = readLater(k);
      const outputs = [...produced].filter((t) => later.has(t));
      program.steps.push({ kind: 'graph', ops, inputs, outputs, key: `${index}.${ops[0].node.def.index}`, runtimes: new Map() });
    }
    return program;
  }
}

export class ProgramRuntime implements Runtime {
  readonly #context: ProgramContext;
  readonly #programs: Map<number, SubgraphProgram>;
  readonly #entry: SubgraphProgram;
  readonly #variables = new Map<string, ArrayValue>();
  readonly #initialised = new Set<number>();
  #stopping = false;
  /** The runtimes the last run invoked (each once, however many times a loop ran it), for profile(). */
  #lastRun = new Set<NativeRuntime>();
  #cacheInfo: WeightCacheInfo | undefined;

  private constructor(context: ProgramContext, entry: SubgraphAnalysis) {
    this.#context = context;
    this.#programs = buildPrograms(context.subgraphs, context.analysisOf, entry);
    this.#entry = this.#programs.get(entry.index)!;
  }

  /**
   * Checks every subgraph the entry can reach and makes the runtimes of its
   * steps at their declared shapes. A called subgraph's declared shapes may
   * be placeholders (the caller's decide, as in TFLite): one that cannot be
   * planned at them is planned when a run first calls it.
   */
  static async create(context: ProgramContext, entry: SubgraphAnalysis): Promise<{ runtime: ProgramRuntime; cacheInfo: WeightCacheInfo | undefined }> {
    const program = new ProgramRuntime(context, entry);
    try {
      for (const p of program.#programs.values()) {
        for (const step of p.steps) {
          if (step.kind !== 'graph') continue;
          const shapes = step.inputs.map((t) => [...p.analysis.subgraph.tensors[t].shape]);
          if (p === program.#entry) {
            await program.#make(p, step, shapes);
          } else {
            await program.#make(p, step, shapes).catch(() => undefined);
          }
        }
      }
    } catch (err) {
      program.dispose();
      throw err;
    }
    return { runtime: program, cacheInfo: program.#cacheInfo };
  }

  /** Makes the native runtime of `step` for inputs of `shapes`. */
  async #make(program: SubgraphProgram, step: GraphStep, shapes: number[][]) {
    const { subgraph } = program.analysis;
    const view: SubgraphAnalysis = {
      ...program.analysis,
      subgraph: { ...subgraph, operators: step.ops.map((p) => p.node.def), inputs: step.inputs, outputs: step.outputs },
      placed: step.ops,
    };
    const at = analysisAtShapes(view, new Map(step.inputs.map((t, k) => [t, shapes[k]])), this.#context.limits);
    const plan = buildSessionPlan(at, { precision: this.#context.options.precision });
    const outputs = plan.outputs.map((t) => ({ shape: [...t.shape], dtype: t.dtype }));
    let made: Awaited<ReturnType<typeof createRuntime>>;
    try {
      made = await createRuntime(plan, this.#context.options, this.#context.cacheFor(step.key));
    } catch (err) {
      disposeSessionPlan(plan);
      throw err;
    }
    this.#cacheInfo ??= made.cacheInfo;
    const entry = { runtime: made.runtime, outputs };
    if (step.runtimes.size >= RUNTIMES_PER_STEP) {
      const [oldest] = step.runtimes.keys();
      step.runtimes.get(oldest)!.runtime.dispose();
      step.runtimes.delete(oldest);
    }
    step.runtimes.set(shapeKey(shapes), entry);
    return entry;
  }

  /** Runs subgraph `program` on `args`; yields the native work it needs. */
  *#call(program: SubgraphProgram, args: Value[]): Generator<Request, Value[], unknown> {
    const { subgraph, statics } = program.analysis;
    const frame = new Map<number, Value>();
    subgraph.inputs.forEach((t, k) => frame.set(t, args[k]));
    const valueOf = (t: number, reader: string): Value => {
      const known = frame.get(t) ?? program.constants.get(t);
      if (known) return known;
      const def = subgraph.tensors[t];
      const constant = statics.get(def);
      if (constant?.bytes && (constant.dtype === def.dtype)) {
        const Type = arrayTypeOf(def.dtype, `tensor ${def.name}`);
        // An aligned copy: the file's bytes need not sit at the element size's alignment.
        const copy = new Uint8Array(constant.bytes).buffer;
        const value = { data: new (Type as unknown as new (b: ArrayBuffer, o: number, n: number) => TensorArray)(copy, 0, elementCount(def.shape)), shape: [...def.shape], dtype: def.dtype };
        program.constants.set(t, value);
        return value;
      }
      throw new ModelFormatError(reader, `tensor ${t} (${def.name}) is read before anything writes it`);
    };
    for (const step of program.steps) {
      if (this.#stopping) throw new DisposedError('Session');
      if (step.kind === 'graph') {
        const inputs = step.inputs.map((t) => valueOf(t, step.ops[0].node.label));
        const arrays = inputs.map((v, k) => {
          if ('variable' in v) throw new ModelFormatError(step.ops[0].node.label, `tensor ${step.inputs[k]} is a resource, which only variable operators take`);
          return v;
        });
        const shapes = arrays.map((v) => v.shape);
        let runtime = step.runtimes.get(shapeKey(shapes));
        if (!runtime) {
          yield { make: step, program, shapes };
          runtime = step.runtimes.get(shapeKey(shapes))!;
        }
        const outputs = runtime.outputs.map((o) => new (arrayTypeOf(o.dtype))(elementCount(o.shape)) as TensorArray);
        this.#lastRun.add(runtime.runtime);
        yield { invoke: runtime.runtime, inputs: arrays.map((v) => v.data), outputs };
        step.outputs.forEach((t, k) => frame.set(t, { data: outputs[k], shape: runtime!.outputs[k].shape, dtype: runtime!.outputs[k].dtype }));
        continue;
      }
      const { node } = step;
      const inputs = () => node.def.inputs.map((t) => valueOf(t, node.label));
      const setOutputs = (values: Value[]) => node.def.outputs.forEach((t, k) => frame.set(t, values[k]));
      switch (step.control) {
        case 'if': {
          const [cond, ...rest] = inputs();
          const call = step.call as Extract<Call, { kind: 'if' }>;
          setOutputs(yield* this.#call(this.#programs.get(truth(cond, node) ? call.then : call.else)!, rest));
          break;
        }
        case 'while': {
          const call = step.call as Extract<Call, { kind: 'while' }>;
          let vars = inputs();
          const cond = this.#programs.get(call.cond)!;
          const body = this.#programs.get(call.body)!;
          for (;;) {
            if (this.#stopping) throw new DisposedError('Session');
            if (!truth((yield* this.#call(cond, vars))[0], node)) break;
            const next = yield* this.#call(body, vars);
            next.forEach((v, k) => {
              const before = vars[k];
              if ('dtype' in v && 'dtype' in before && v.dtype !== before.dtype) {
                throw new ModelFormatError(node.label, `loop variable ${k} is ${before.dtype} but the body returns ${v.dtype}`);
              }
            });
            vars = next;
          }
          setOutputs(vars);
          break;
        }
        case 'call-once': {
          const call = step.call as Extract<Call, { kind: 'call-once' }>;
          if (!this.#initialised.has(call.init)) {
            yield* this.#call(this.#programs.get(call.init)!, []);
            this.#initialised.add(call.init);
          }
          break;
        }
        case 'var-handle':
          setOutputs([{ variable: variableName(node) }]);
          break;
        case 'read-variable': {
          const name = handle(inputs()[0], node);
          const value = this.#variables.get(name);
          if (!value) throw new InvalidValueError(`${node.label}: variable ${JSON.stringify(name)} is read before any ASSIGN_VARIABLE gave it a value`);
          const out = subgraph.tensors[node.def.outputs[0]];
          if (value.dtype !== out.dtype) throw new InvalidValueError(`${node.label}: variable ${JSON.stringify(name)} holds ${value.dtype}, read as ${out.dtype}`);
          setOutputs([{ data: value.data.slice() as TensorArray, shape: [...value.shape], dtype: value.dtype }]);
          break;
        }
        case 'assign-variable': {
          const [resource, value] = inputs();
          const name = handle(resource, node);
          if ('variable' in value) throw new ModelFormatError(node.label, 'the value to assign is a resource');
          const held = this.#variables.get(name);
          if (held && held.dtype !== value.dtype) throw new InvalidValueError(`${node.label}: variable ${JSON.stringify(name)} holds ${held.dtype}, assigned ${value.dtype}`);
          this.#variables.set(name, { data: value.data.slice() as TensorArray, shape: [...value.shape], dtype: value.dtype });
          break;
        }
      }
    }
    return subgraph.outputs.map((t) => valueOf(t, `subgraph ${program.index} outputs`));
  }

  /** The entry's outputs from `values`, copied into the session's arrays (whose shapes the session declares). */
  #deliver(values: Value[], outputs: ArrayBufferView[]): void {
    values.forEach((v, k) => {
      const target = outputs[k] as TensorArray;
      const def = this.#entry.analysis.subgraph.tensors[this.#entry.analysis.subgraph.outputs[k]];
      if ('variable' in v) throw new ModelFormatError(`output ${def.name}`, 'is a resource');
      if (v.shape.length !== def.shape.length || v.shape.some((d, i) => d !== def.shape[i]) || v.data.length !== target.length) {
        throw new InvalidValueError(`output ${def.name} has shape [${v.shape}] at run time, not the session's [${def.shape}]`);
      }
      (target as { set(a: ArrayLike<number | bigint>): void }).set(v.data as ArrayLike<number | bigint>);
    });
  }

  #start(inputs: ArrayBufferView[]): Generator<Request, Value[], unknown> {
    const { subgraph } = this.#entry.analysis;
    this.#lastRun.clear();
    const args: Value[] = subgraph.inputs.map((t, k) => {
      const def = subgraph.tensors[t];
      // Copied now, as the native runtime copies its inputs: the caller may reuse its arrays at once.
      return { data: (inputs[k] as TensorArray).slice() as TensorArray, shape: [...def.shape], dtype: def.dtype };
    });
    return this.#call(this.#entry, args);
  }

  async invokeAsync(inputs: ArrayBufferView[], outputs: ArrayBufferView[]): Promise<void> {
    const run = this.#start(inputs);
    let next = run.next();
    while (!next.done) {
      const request = next.value;
      if ('make' in request) {
        await this.#make(request.program, request.make, request.shapes);
      } else {
        await request.invoke.invokeAsync(request.inputs, request.outputs);
      }
      next = run.next();
    }
    this.#deliver(next.value, outputs);
  }

  invoke(inputs: ArrayBufferView[], outputs: ArrayBufferView[]): void {
    const run = this.#start(inputs);
    let next = run.next();
    while (!next.done) {
      const request = next.value;
      if ('make' in request) {
        throw new Error(`runSync(): shapes changed at run time (${request.make.ops[0].node.label} meets inputs of shapes ${request.shapes.map((s) => `[${s}]`).join(', ')}), which needs a new runtime; use run()`);
      }
      request.invoke.invoke(request.inputs, request.outputs);
      next = run.next();
    }
    this.#deliver(next.value, outputs);
  }

  profile(): { name: string; microseconds: number }[] {
    return [...this.#lastRun].flatMap((r) => r.profile());
  }

  stop(): void {
    this.#stopping = true;
  }

  resetVariables(): void {
    this.#variables.clear();
    this.#initialised.clear();
  }

  dispose(): void {
    this.#stopping = true;
    for (const p of this.#programs.values()) {
      for (const step of p.steps) {
        if (step.kind !== 'graph') continue;
        for (const r of step.runtimes.values()) r.runtime.dispose();
        step.runtimes.clear();
      }
    }
  }
}

/** A condition's truth: TFLite takes a bool tensor of one element. */
function truth(value: Value, node: Node): boolean {
  if ('variable' in value || value.dtype !== 'bool' || value.data.length !== 1) {
    throw new InvalidValueError(`${node.label}: the condition must be one bool (got ${'variable' in value ? 'a resource' : `${value.dtype} of shape [${value.shape}]`})`);
  }
  return value.data[0] !== 0;
}

/** The variable a resource value names. */
function handle(value: Value, node: Node): string {
  if (!('variable' in value)) throw new ModelFormatError(node.label, 'input 0 is not a resource from VAR_HANDLE');
  return value.variable;
}
