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
  init <extension-dir> [--id <publisher>.<name>] [--name <title>] [--js]
        Create an extension in a new or empty folder (TypeScript, or --js) that builds and runs as it is.
  run <extension-dir | installed-id> <command-id> [--args <json>] [--json] [--data-dir <dir>] [--timeout <ms>] [--verbose]
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
  serve [--port <n>] [--examples] [--dev <folder>]... [--catalog <dir|url>] [--open]
        Run the app and serve its panel to a browser on 127.0.0.1 (headless mode).
  quarantine [list]      Show quarantined extensions (too many kills or violations).
  release <extension-id> Let a quarantined extension run again.
  anomalies [list|accept <id>|incident <id>|profile <extension-id>] [--extension <id>] [--all] [--json]
        What behaviour baselines noticed (findings), marking one expected, the timeline around one
        (Markdown, or --json), and what was learnt of an extension.
  build <extension-dir> [--entry <file>]
        Bundle src/extension.(ts|js) into the manifest's "main" (CommonJS, for the sandbox).
  validate <extension-dir> [--json]
        Check manifest.json and the bundle without running anything.
  keygen [--out <file>]
        Create an ed25519 publisher key: <file> (private, 0600) and <file>.pub. Never overwrites.
  pack <extension-dir> --key <file> [--out <file.wext>] [--gzip]
        Sign the folder into a .wext: manifest.json, the main bundle (+ .map), the icon, README.md,
        LICENSE and CHANGELOG.md. Nothing else ships. The same folder gives the same bytes.
  verify <file.wext> [--json]
        Check the signature and every file hash; print id, version, publisher, key and permissions.
  install <file.wext | catalog-id> [--catalog <dir-or-url>] [--trust-catalog-key <key>]... [--data-dir <dir>]
  install --dev <extension-dir>
        Install a signed package (the first install pins its publisher key), or an unsigned
        developer copy (--dev, also --unsigned; marked unsigned).
  update <id> <file.wext | --catalog <dir-or-url>> [--approve]
        Same key and a higher version only. Wider permissions wait for: warden approve <id>.
  approve <id>      Activate an update that asks for more permissions.
  rollback <id> [--to <version>]
        Go back to the previous version kept locally (the last two are kept).
  uninstall <id>    Remove an installed extension and its kept versions.
  list [--json]     Installed extensions: version, state, unsigned/blocked flags, kept versions.
  catalog build <dir-of-wext-files> --key <file> [--out index.json] [--index-version <n>]
      [--expires-days <n>] [--block <id>@<version>[:<sha256>]]...
        Write a signed catalog index of the .wext files in a folder (with a blocklist).
  search [<text>] [--catalog <dir-or-url>] [--trust-catalog-key <key>]... [--json]
        List matching packages in a catalog. Catalog keys are trusted from <data-dir>/config.json
        { "catalogKeys": [...] } or --trust-catalog-key (a base64 key or a .pub file).
  help, --help      Show this help.
  version, --version

Exit codes: 0 success, 1 the command failed, 2 bad usage or an invalid extension.`;
