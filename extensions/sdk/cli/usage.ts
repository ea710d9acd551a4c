/** Exit codes and one-line failures: the CLI never prints a host stack trace. */

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A failure the CLI reports as one clear line (plus optional detail lines) and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

export const USAGE = `Usage: warden <command> [options]

Commands:
  run <extension-dir> <command-id> [--args <json>] [--json] [--data-dir <dir>] [--timeout <ms>] [--verbose]
      [--allow <cap>=<target>]... [--deny <cap>=<target>]... [--deny-all] [--prompt] [--pick <path>]... [--policy <file>]
        Run one command of an extension in the sandbox and print its result. Permission prompts are
        answered by --allow/--deny rules (e.g. --allow fs.read=~/Documents --allow net=https://api.example.com),
        denied with --deny-all, or asked in the terminal (--prompt; the default when stdin is a terminal).
        Capabilities: fs.read, fs.write, net, secrets, notifications.
  grants [list|revoke <grant-id>] [--extension <id>] [--json]
        Show or revoke stored "always" answers.
  audit [--extension <id>] [--follow] [--json]
        Show the audit log of permission decisions and mediated operations.
  secrets set <extension-id> <NAME> | list <extension-id> | delete <extension-id> <NAME>
        Store a secret an extension declared (the value is read from stdin).
  top <extension-dir>... [--run <command-id>] [--args <json>] [--duration <seconds>]
        Start extensions (running a command in each) and show their live resource use and kills.
  quarantine [list]      Show quarantined extensions (too many kills or violations).
  release <extension-id> Let a quarantined extension run again.
  build <extension-dir> [--entry <file>]
        Bundle src/extension.(ts|js) into the manifest's "main" (CommonJS, for the sandbox).
  validate <extension-dir> [--json]
        Check manifest.json and the bundle without running anything.
  help, --help      Show this help.
  version, --version

Exit codes: 0 success, 1 the command failed, 2 bad usage or an invalid extension.`;
