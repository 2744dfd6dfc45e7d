import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake on the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A problem with the files a command was given (an undecodable image, a sample of the wrong size): printed without the usage, exit code 1. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** The options block of `--help`, one option a line. */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(positionals: string[], values: Record<string, unknown>): Promise<number>;
}

export function parse(command: Command, argv: string[]): { positionals: string[]; values: Record<string, unknown> } {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { positionals, values: values as Record<string, unknown> };
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''), command.name);
  }
}

export function integerOption(values: Record<string, unknown>, name: string, fallback: number, min: number, max: number, command: string): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`, command);
  return n;
}

export function oneModel(positionals: string[], command: string): string {
  if (positionals.length === 0) throw new UsageError('missing MODEL (a .tflite file)', command);
  if (positionals.length > 1) throw new UsageError(`expected one MODEL, got ${positionals.length} arguments: ${positionals.join(' ')}`, command);
  return positionals[0];
}
