/** A native subgraph whose define calls are also written down, so that a plan can be recorded (lib/plan/plan-record.ts). */
import type { NativeSubgraph } from '../native';

/** One define call: the method, its arguments, what it returned. */
export type RecordedCall = [method: string, args: unknown[], result: unknown];

/**
 * `target`, with every define call recorded into `log` as it is made. The
 * native subgraph itself goes into the plan (the binding checks what it is
 * given); lowerings define through this.
 */
export function recordingSubgraph(target: NativeSubgraph, log: RecordedCall[]): NativeSubgraph {
  return new Proxy(target, {
    get(object, property) {
      const member = Reflect.get(object, property) as unknown;
      if (typeof property !== 'string' || !property.startsWith('define') || typeof member !== 'function') return member;
      return (...args: unknown[]) => {
        const result = (member as (...a: unknown[]) => unknown).apply(object, args);
        // Arrays copied: a caller reusing one afterwards must not change the record.
        log.push([property, args.map((a) => (Array.isArray(a) ? [...a] : a)), result]);
        return result;
      };
    },
  });
}
