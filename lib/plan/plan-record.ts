/**
 * A session plan as data, to be made again without planning: each XNNPACK
 * partition as the define calls that built its native subgraph, in order,
 * with what each returned, and the rest of the native plan (arena, tensors,
 * reference kernel calls) as it is. Data the calls read from the model's
 * bytes is recorded as a place in them, not copied; data computed while
 * planning (folded constants, rewritten weights) is copied into the record.
 * lib/cache/start-records.ts keeps records for warm starts.
 */
import type { NativePlan, NativeStep, NativeSubgraph } from '../native';
import { native } from '../native';
import type { KernelCall } from '../reference/program-builder';
import type { RuntimeHints } from './analysis';
import type { RuntimePlan } from './session-plan';
import type { RecordedCall } from '../xnnpack/recording-subgraph';

/** A typed array that is a view of the model's bytes, by its place in them. */
interface ModelView {
  modelView: [type: ViewType, byteOffset: number, length: number];
}

const VIEW_TYPES = {
  Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array,
} as const;
type ViewType = keyof typeof VIEW_TYPES;

export interface PlanRecord {
  native: Omit<NativePlan, 'steps'> & { steps: (KernelCall | { externals: number[]; calls: RecordedCall[] })[] };
  hints: RuntimeHints;
  subgraphIndex: number;
}

/** `value` made fit for a record: views of `model` by place, other typed arrays compacted (a view would carry its whole buffer). */
function recordable(value: unknown, model: Uint8Array): unknown {
  if (ArrayBuffer.isView(value)) {
    const type = value.constructor.name as ViewType;
    if (!(type in VIEW_TYPES)) throw new TypeError(`a plan holds a ${value.constructor.name}, which a record cannot hold`);
    const view = value as unknown as Uint8Array;
    if (view.buffer === model.buffer) return { modelView: [type, view.byteOffset - model.byteOffset, view.length] } satisfies ModelView;
    return view.slice();
  }
  if (Array.isArray(value)) return value.map((v) => recordable(v, model));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, recordable(v, model)]));
  return value;
}

/** A recorded value with the model's views made again over `model`; a RangeError when a place lies outside it. */
function restored(value: unknown, model: Uint8Array): unknown {
  if (Array.isArray(value)) return value.map((v) => restored(v, model));
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const place = (value as Partial<ModelView>).modelView;
    if (Array.isArray(place)) {
      const [type, byteOffset, length] = place;
      const View = Object.hasOwn(VIEW_TYPES, type) ? VIEW_TYPES[type] : undefined;
      if (!View || !Number.isSafeInteger(byteOffset) || !Number.isSafeInteger(length) || byteOffset < 0 || length < 0
        || byteOffset + length * View.BYTES_PER_ELEMENT > model.length) {
        throw new RangeError('a recorded plan reads outside the model');
      }
      return new View(model.buffer as ArrayBuffer, model.byteOffset + byteOffset, length);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restored(v, model)]));
  }
  return value;
}

/** The record of `plan`, whose partitions were lowered with `logs` (one per subgraph, in the plan's order), over the model's bytes `model`. */
export function planRecord(plan: RuntimePlan, logs: readonly (readonly RecordedCall[])[], model: Uint8Array): PlanRecord {
  const logOf = new Map(plan.subgraphs.map((s, k) => [s, logs[k]]));
  const steps = plan.native.steps.map((step) => {
    if (!('subgraph' in step)) return step;
    const calls = logOf.get(step.subgraph);
    if (!calls) throw new TypeError('a plan step runs a subgraph whose define calls were not recorded');
    return { externals: step.externals, calls };
  });
  return recordable({ native: { ...plan.native, steps }, hints: plan.hints, subgraphIndex: plan.subgraphIndex }, model) as PlanRecord;
}

/** Defines a partition again on a new native subgraph, call by call, checking each returns what it returned when recorded. */
function replayPartition(externalValues: number, calls: readonly RecordedCall[], model: Uint8Array, subgraphs: NativeSubgraph[]): NativeSubgraph {
  const subgraph = new (native().Subgraph)(externalValues);
  subgraphs.push(subgraph);
  for (const call of calls) {
    const [method, args, result] = Array.isArray(call) ? call : [];
    const define = typeof method === 'string' && method.startsWith('define') ? (subgraph as unknown as Record<string, unknown>)[method] : undefined;
    if (typeof define !== 'function' || !Array.isArray(args)) throw new TypeError(`a recorded plan calls ${String(method)}`);
    const got = (define as (...a: unknown[]) => unknown).apply(subgraph, restored(args, model) as unknown[]);
    if (got !== result) throw new TypeError(`a recorded plan's ${method} returned ${String(got)}, not ${String(result)}`);
  }
  return subgraph;
}

/**
 * The plan a record describes, over the model's bytes `model`, its
 * partitions defined again. Throws when the record does not make the same
 * subgraphs (a value id differs, a call fails, a place lies outside the
 * model); the caller then plans as usual.
 */
export function replayPlan(record: PlanRecord, model: Uint8Array): RuntimePlan {
  if (typeof record?.hints?.sparse !== 'boolean' || !Number.isSafeInteger(record.subgraphIndex) || !Array.isArray(record.native?.steps)) {
    throw new TypeError('a recorded plan is malformed');
  }
  const subgraphs: NativeSubgraph[] = [];
  try {
    const steps: NativeStep[] = record.native.steps.map((step) => {
      if (!('calls' in step)) return restored(step, model) as KernelCall;
      if (!Array.isArray(step.externals) || !Array.isArray(step.calls)) throw new TypeError('a recorded plan step is malformed');
      return { subgraph: replayPartition(step.externals.length, step.calls, model, subgraphs), externals: step.externals };
    });
    return {
      native: { ...(restored({ ...record.native, steps: [] }, model) as NativePlan), steps },
      subgraphs,
      hints: record.hints,
      subgraphIndex: record.subgraphIndex,
      recorded: true,
    };
  } catch (err) {
    for (const s of subgraphs) s.dispose();
    throw err;
  }
}
