/**
 * Control flow (IF, WHILE, CALL_ONCE) and resource variables (VAR_HANDLE,
 * READ_VARIABLE, ASSIGN_VARIABLE): the session's program runs them
 * (lib/program), calling the subgraphs they name and keeping the variables.
 */
import type { OpDescriptors } from './descriptor';

export const CONTROL_OPS: OpDescriptors = {
  IF: { control: 'if' },
  WHILE: { control: 'while' },
  CALL_ONCE: { control: 'call-once' },
  VAR_HANDLE: { control: 'var-handle' },
  READ_VARIABLE: { control: 'read-variable' },
  ASSIGN_VARIABLE: { control: 'assign-variable' },
};
