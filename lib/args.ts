/**
 * Argument checks for the public API, with one message shape:
 * "Expected <what> for <name> but received <value>". Misuse is a TypeError
 * (or RangeError for a number out of range), thrown before anything native runs.
 */

const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype) as object;
const lengthGetter = Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'length')!.get!;
const byteLengthGetter = Object.getOwnPropertyDescriptor(DataView.prototype, 'byteLength')!.get!;

/**
 * The real element count of a typed array (byte count of a DataView),
 * whatever its own `length` property has been made to say.
 */
export function viewLength(view: ArrayBufferView): number {
  return ArrayBuffer.isView(view) && !(view instanceof DataView) ? lengthGetter.call(view) : byteLengthGetter.call(view);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${viewLength(value)})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'function') return 'function';
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `${name} object` : 'object';
}

export function invalid(what: string, name: string, value: unknown): TypeError {
  return new TypeError(`Expected ${what} for ${name} but received ${describe(value)}`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Checks an options object: undefined or a plain object whose keys are all known. */
export function checkOptions<T extends object>(options: unknown, name: string, known: readonly (keyof T & string)[]): Partial<T> {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw invalid('an options object', name, options);
  for (const key of Object.keys(options)) {
    if (!known.includes(key as keyof T & string)) {
      throw new TypeError(`Unknown option ${JSON.stringify(key)} in ${name}; known options are: ${known.join(', ')}`);
    }
  }
  return options as Partial<T>;
}

export function checkInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(`an integer between ${min} and ${max}`, name, value);
  if (value < min || value > max) throw new RangeError(`Expected an integer between ${min} and ${max} for ${name} but received ${value}`);
  return value;
}
