/** The `xnnlite` command line: dispatches to one file per command. */
import { DisposedError, ModelFormatError, NativeLoadError, UnsupportedOpError, XnnpackError } from '../errors';
import { NpyError } from '../npy';
import { version } from '../version';
import { benchCommand } from './bench';
import { cacheCommand } from './cache';
import { quantizeCommand } from './quantize';
import { pruneCommand } from './prune';
import { clusterCommand } from './cluster';
import { inspectCommand } from './inspect';
import { runCommand } from './run';
import { InputError, parse, UsageError, type Command } from './usage';

const COMMANDS: Command[] = [inspectCommand, benchCommand, runCommand, quantizeCommand, pruneCommand, clusterCommand, cacheCommand];

function overview(): string {
  return [
    'xnnlite: fast CPU inference of TensorFlow Lite models on XNNPACK',
    '',
    'usage: xnnlite COMMAND [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`),
    '',
    'xnnlite COMMAND --help shows a command\'s options; xnnlite --version prints versions.',
  ].join('\n');
}

function commandHelp(c: Command): string {
  return `usage: ${c.usage}\n\n${c.summary}\n\noptions:\n${c.help}\n  -h, --help    show this help`;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${overview()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${JSON.stringify(version(), null, 2)}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`xnnlite: unknown command "${name}"\n\n${overview()}\n`);
    return 2;
  }
  try {
    const { positionals, values } = parse(command, rest);
    if (values.help) {
      process.stdout.write(`${commandHelp(command)}\n`);
      return 0;
    }
    return await command.run(positionals, values);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`xnnlite ${command.name}: ${err.message}\n\n${commandHelp(command)}\n`);
      return 2;
    }
    const known = err instanceof ModelFormatError || err instanceof UnsupportedOpError || err instanceof XnnpackError
      || err instanceof NativeLoadError || err instanceof DisposedError || err instanceof NpyError;
    // The API's own argument and data checks (e.g. quantize() on an already-quantized model, NaN in a sample).
    const refused = err instanceof TypeError || err instanceof RangeError;
    const e = err as NodeJS.ErrnoException;
    if (err instanceof InputError) process.stderr.write(`xnnlite ${command.name}: ${e.message}\n`);
    else if (known || refused) process.stderr.write(`xnnlite ${command.name}: ${e.name}: ${e.message}\n`);
    else if (e && e.code === 'ENOENT') process.stderr.write(`xnnlite ${command.name}: no such file: ${e.path}\n`);
    else if (e && e.code === 'EISDIR') process.stderr.write(`xnnlite ${command.name}: ${e.path} is a directory; give a .tflite file\n`);
    else process.stderr.write(`xnnlite ${command.name}: ${e?.stack ?? String(err)}\n`);
    if (err instanceof UnsupportedOpError) process.stderr.write(`  \`xnnlite inspect ${rest[0] ?? 'MODEL'}\` lists every operator and where it can run.\n`);
    return 1;
  }
}
