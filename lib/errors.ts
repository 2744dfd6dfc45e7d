/**
 * Every error class xnnlite throws. Each carries a stable `code`, so that
 * callers can branch on it without parsing messages. Misuse of the API
 * (wrong argument types or ranges) throws the built-in TypeError/RangeError.
 */

/** XNNPACK rejected a call. `call` names the XNNPACK function, `status` its xnn_status. */
export class XnnpackError extends Error {
  readonly code = 'ERR_XNNPACK';
  constructor(
    message: string,
    /** The XNNPACK function that failed, e.g. `xnn_create_runtime_v4`. */
    readonly call: string,
    /** XNNPACK's numeric `xnn_status`. */
    readonly status: number,
    /** Readable name of the status, e.g. `invalid parameter`. */
    readonly statusName: string,
  ) {
    super(message);
    this.name = 'XnnpackError';
  }
}

/**
 * A `.tflite` file is malformed or inconsistent. `where` names the place
 * (table, field, index), e.g. `Model.subgraphs[0].tensors[12].shape`.
 */
export class ModelFormatError extends Error {
  readonly code = 'ERR_XNNLITE_MODEL_FORMAT';
  constructor(
    readonly where: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${problem}`, options);
    this.name = 'ModelFormatError';
  }
}

/** An operator (or one of its options) that xnnlite cannot run. */
export class UnsupportedOpError extends Error {
  readonly code = 'ERR_XNNLITE_UNSUPPORTED_OP';
  constructor(
    /** The operator's name, e.g. `RESIZE_NEAREST_NEIGHBOR` or a custom op's code. */
    readonly op: string,
    /** Index of the operator in its subgraph. */
    readonly index: number,
    readonly reason: string,
  ) {
    super(`${op} #${index}: ${reason}`);
    this.name = 'UnsupportedOpError';
  }
}

/**
 * The model file changed on disk after it was loaded: it was truncated or
 * written in place (e.g. `cp new.tflite model.tflite` over a loaded model).
 * The loaded model can no longer trust its bytes; load the file again.
 * Replacing a model by renaming a new file over the old path is safe: a
 * loaded model keeps the file it opened.
 */
export class ModelChangedError extends Error {
  readonly code = 'ERR_XNNLITE_MODEL_CHANGED';
  constructor(
    /** The model file. */
    readonly path: string,
    /** How it changed, e.g. `its size changed from 229032 to 0 bytes`. */
    readonly change: string,
    options?: { cause?: unknown },
  ) {
    super(`model file ${path} changed on disk after it was loaded (${change}); load it again`, options);
    this.name = 'ModelChangedError';
  }
}

/**
 * An operator met a value at run time that it cannot take, e.g. a GATHER
 * index outside the table (from an input, or computed by the model). The
 * run produced no outputs; the session stays usable. The message names the
 * operator (`GATHER #3`) and the value.
 */
export class InvalidValueError extends Error {
  readonly code = 'ERR_XNNLITE_INVALID_VALUE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidValueError';
  }
}

/**
 * Input shapes the model cannot take: a dimension the model fixes, or a
 * shape an operator's rule refuses once shapes are propagated from the
 * inputs (`createSession({ inputShapes })`, `session.resize()`). The message
 * names the operator (`CONV_2D #3`) or input and the shapes.
 */
export class ShapeError extends Error {
  readonly code = 'ERR_XNNLITE_SHAPE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ShapeError';
  }
}

/** An object was used after `dispose()`. */
export class DisposedError extends Error {
  readonly code = 'ERR_XNNLITE_DISPOSED';
  constructor(what: string) {
    super(`${what} has been disposed`);
    this.name = 'DisposedError';
  }
}

/** The native addon could not be loaded; the message lists the likely fixes. */
export class NativeLoadError extends Error {
  readonly code = 'ERR_XNNLITE_NATIVE_LOAD';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NativeLoadError';
  }
}
