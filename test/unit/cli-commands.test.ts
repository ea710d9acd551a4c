// The CLI loads each command's code when it runs (main.ts): every command it lists must have its
// options and help, and its loader must resolve to the command function.
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, loadCommand } from '../../extensions/sdk/cli/main';
import { COMMAND_OPTIONS } from '../../extensions/sdk/cli/command-options';
import { COMMAND_HELP } from '../../extensions/sdk/cli/usage';

describe('the CLI command table', () => {
  it('lists exactly the commands that have options and help', () => {
    expect([...COMMAND_NAMES].sort()).toEqual(Object.keys(COMMAND_OPTIONS).sort());
    expect([...COMMAND_NAMES].sort()).toEqual(Object.keys(COMMAND_HELP).sort());
  });

  it.each(COMMAND_NAMES)(
    'loads `warden %s` on demand',
    async (name) => {
      expect(typeof (await loadCommand(name))).toBe('function');
    },
    60_000,
  );
});
