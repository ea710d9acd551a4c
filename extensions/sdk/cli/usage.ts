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

/**
 * What `warden <command> --help` prints: each command's synopsis, what it does and every option
 * its parser accepts (test/unit/cli-help.test.ts checks them against command-options.ts).
 */
const PERMISSION_HELP = `Permission answers (no terminal: everything not allowed is denied):
  --allow <cap>=<target>   answer matching prompts "allow" (repeatable), e.g. fs.read=~/Documents,
                           net=https://api.example.com, secrets=API_TOKEN, notifications=*
  --deny <cap>=<target>    answer matching prompts "deny" (repeatable)
  --deny-all               deny every prompt
  --prompt                 ask in the terminal (the default when stdin is a terminal)
  --prompt-timeout <s>     deny a prompt nobody answers within this many seconds (default 60)
  --pick <path>            answer host.fs.pickFile/pickDirectory with this path (repeatable, in order)
  --policy <file>          the administrator policy to apply (default: <data-dir>/policy.json)
  Capabilities: fs.read, fs.write, net, secrets, notifications.`;

const DATA_DIR_HELP = `  --data-dir <dir>         private data, grants, audit log and installs (default: $WARDEN_HOME or ~/.warden)`;

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  init: `Usage: warden init <extension-dir> [--id <publisher>.<name>] [--name <title>] [--js | --python]

Create an extension in a new or empty folder that builds, validates, runs and tests as it is.

Options:
  --id <publisher>.<name>  the extension id (default: my-publisher.<folder name>)
  --name <title>           the display name
  --js                     plain JavaScript instead of TypeScript
  --python                 a Python extension (main.py, nothing to build; docs/python.md)`,
  run: `Usage: warden run <extension-dir | installed-id> <command-id> [options]

Run one command of an extension in the sandbox and print its result.
Exit codes: 0 success, 1 the command failed, 2 bad usage or an invalid extension.

Options:
  --args <json>            the command's arguments as a JSON object
  --json                   print {"ok":true,"result":…} or {"ok":false,"error":…}
  --timeout <ms>           fail the command after this many milliseconds (waiting for a prompt's answer not counted)
  --verbose                also print debug log lines and the guest stack of a failure
${DATA_DIR_HELP}
${PERMISSION_HELP}`,
  dev: `Usage: warden dev <extension-dir> [--run <command-id> [--args <json>]] [options]

Build the extension, start it in the sandbox and keep it running: every save under the folder
rebuilds and reloads it in place, and its console output is streamed here. Type a command id
(optionally followed by JSON arguments) and Enter to run it; "help" lists the commands, "quit" or
Ctrl+C stops. A reload takes a process that is already waiting; processes start from the start-up
snapshot once it is built (--verbose says which way).

Options:
  --run <command-id>       run this command after every successful reload
  --args <json>            arguments for --run
  --entry <file>           the source entry (default: src/extension.ts, .js, …)
  --verbose                also print debug log lines
${DATA_DIR_HELP}
${PERMISSION_HELP}`,
  build: `Usage: warden build <extension-dir> [--entry <file>] [--wheels <dir>]

Bundle src/extension.(ts|js) into the manifest's "main" (CommonJS, for the sandbox) and write a
source map beside it (<main>.map), so errors name your source files and lines. For a Python
extension: vendor Warden's Python runtime into python_runtime/ (signed by pack, ~14 MB), check the
wheels requirements.lock pins (SHA-256, pure Python, exactly the pinned set) and vendor them into
python_packages/, and list both in sbom.cdx.json (docs/python.md); nothing is downloaded.

Options:
  --entry <file>           the entry file (default: src/extension.ts, .js, .mjs, src/index.ts, .js)
  --wheels <dir>           Python: the folder holding the pinned .whl files (default: wheels/)`,
  validate: `Usage: warden validate <extension-dir> [--strict] [--format text|json|sarif] [--json]

Check manifest.json and the bundle without running anything: exit 2 when the loader would refuse
it (syntax, dynamic import(), direct eval), 0 otherwise; deprecated host calls are warnings.
--strict (for publishers' and catalogs' CI) also fails on network or stored data run as code,
obfuscation, native addons, fetched WebAssembly and host calls outside the declared permissions,
and warns on declared permissions the code never uses (docs/static-gate.md).

Options:
  --strict                 run the publisher/catalog rules too
  --format <f>             text (default), json, or sarif (SARIF 2.1.0 for code scanning)
  --json                   same as --format json: {"ok":…,"id":…,"problems":[…],"findings":[…]}`,
  grants: `Usage: warden grants [list] [--extension <id>] [--json]
       warden grants revoke <grant-id> | --extension <id>

Show or revoke stored "always" answers.

Options:
  --extension <id>         only this extension's grants (with revoke: all of them)
  --all                    (accepted for scripts; list shows all grants by default)
  --json                   print the grants as JSON
${DATA_DIR_HELP}`,
  audit: `Usage: warden audit [--extension <id>] [--follow] [--json]

Show the audit log of permission decisions and mediated operations.

Options:
  --extension <id>         only this extension's records
  --follow                 keep printing new records until Ctrl+C
  --json                   one JSON record per line
${DATA_DIR_HELP}`,
  secrets: `Usage: warden secrets set <extension-id> <NAME>      (the value is read from stdin)
       warden secrets list <extension-id>
       warden secrets delete <extension-id> <NAME>

Store, list or delete a secret an extension declared in manifest.json.

Options:
${DATA_DIR_HELP}`,
  quarantine: `Usage: warden quarantine [list]

Show extensions quarantined after repeated kills or violations (warden release <id> lets one run).

Options:
${DATA_DIR_HELP}`,
  release: `Usage: warden release <extension-id>

Let a quarantined extension run again.

Options:
${DATA_DIR_HELP}`,
  anomalies: `Usage: warden anomalies [list] [--extension <id>] [--all] [--json]
       warden anomalies accept <finding-id>
       warden anomalies incident <finding-id> [--json]
       warden anomalies profile <extension-id> [--json]

What the behaviour monitor noticed (docs/behaviour.md): open findings, "this is expected"
(accept: folds the deviation into the baseline and lifts the throttle or quarantine it caused),
the incident around a finding (Markdown, or JSON for a report), and what was learnt.

Options:
  --extension <id>         only this extension's findings
  --all                    also findings already accepted
  --json                   print JSON
${DATA_DIR_HELP}`,
  top: `Usage: warden top <extension-dir>... [--run <command-id>] [--args <json>] [--duration <seconds>]

Start extensions (running a command in each) and show their live resource use and kills.

Options:
  --run <command-id>       run this command in each extension
  --args <json>            arguments for --run
  --duration <seconds>     stop after this long (default: until Ctrl+C)
${DATA_DIR_HELP}
${PERMISSION_HELP}`,
  serve: `Usage: warden serve [--port <n>] [--examples] [--dev <folder>]... [--catalog <dir|url>] [--open]

Run the app and serve its panel to a browser on 127.0.0.1 (headless mode), with a one-time token
in the address.

Options:
  --port <n>               the port (default: any free port)
  --examples               load the bundled example extensions (unsigned developer folders)
  --dev <folder>           load an extension folder unsigned, in developer mode (repeatable)
  --catalog <dir|url>      the catalog the panel's Install searches
  --catalog-refresh <s>    re-read the catalog (and its blocklist) this often (default 900)
  --policy <file>          the administrator policy (default: <data-dir>/policy.json)
  --prompt-timeout <ms>    deny a permission prompt nobody answers within this time
  --open                   open the address in the desktop's browser
  --verbose                also print debug log lines
${DATA_DIR_HELP}`,
  keygen: `Usage: warden keygen [--out <file>]

Create an ed25519 publisher key: <file> (private, mode 0600) and <file>.pub. Never overwrites.

Options:
  --out <file>             where to write it (default: <data-dir>/keys/publisher.key)
${DATA_DIR_HELP}`,
  pack: `Usage: warden pack <extension-dir> --key <file> [--out <file.wext>] [--gzip]

Sign the folder into a .wext: manifest.json, the main bundle and its source map, the icon,
README.md, LICENSE and CHANGELOG.md. Nothing else ships. The same folder gives the same bytes.

Options:
  --key <file>             the publisher's private key (from warden keygen)
  --out <file.wext>        the package file (default: <id>-<version>.wext)
  --gzip                   compress the package`,
  verify: `Usage: warden verify <file.wext> [--json]

Check the signature and every file hash; print the security brief: publisher and key (first seen
or pinned), what it can do in plain words, its limits, bundled packages, advisories and risk level.

Options:
  --json                   print the result as JSON (with the brief)
  --data-dir <dir>         where keys are pinned (default: $WARDEN_HOME or ~/.warden)`,
  install: `Usage: warden install <file.wext | catalog-id> [--catalog <dir-or-url>] [--trust-catalog-key <key>]...
       warden install --dev <extension-dir>

Install a signed package (the first install pins its publisher key), or an unsigned developer copy
of a folder (--dev, also --unsigned; marked unsigned). It prints the security brief first and asks
"Install? [y/N]"; with no terminal it refuses unless --yes. Nothing is installed or pinned before.
It exits once the new version is flushed to disk (exit 0: it survives a power cut).

Options:
  --yes                    install without asking (scripts: read the brief first)
  --dev, --unsigned        install a folder as an unsigned developer copy
  --catalog <dir-or-url>   install <catalog-id> from this catalog
  --trust-catalog-key <key>  trust this catalog key (base64 or a .pub file; repeatable)
  --accept-new-key         accept a publisher key other than the one pinned for this id (a different
                           signer: only when you know the publisher changed its key)
  --feed <file>            match bundled packages against this signed OSV advisory feed (kept)
  --trust-feed-key <key>   trust this advisory feed key (base64 or a .pub file; repeatable)
  --policy <file>          the administrator policy to apply (default: <data-dir>/policy.json)
  --json                   print the outcome as JSON
${DATA_DIR_HELP}`,
  update: `Usage: warden update <id> <file.wext> [--approve]
       warden update <id> --catalog <dir-or-url> [--approve]

Update to a higher version signed by the same key. It prints the security brief with the permissions
added and removed, and asks; "y" also allows the added ones. With --yes (no terminal needed) wider
permissions wait for: warden approve <id> (or --approve).
It exits once the new version is flushed to disk (exit 0: it survives a power cut).

Options:
  --yes                    update without asking
  --approve                accept wider permissions now
  --catalog <dir-or-url>   update from this catalog
  --trust-catalog-key <key>  trust this catalog key (repeatable)
  --feed <file>            match bundled packages against this signed OSV advisory feed (kept)
  --trust-feed-key <key>   trust this advisory feed key (base64 or a .pub file; repeatable)
  --policy <file>          the administrator policy to apply (default: <data-dir>/policy.json)
  --json                   print the outcome as JSON
${DATA_DIR_HELP}`,
  approve: `Usage: warden approve <id>

Activate an update that asks for more permissions than the installed version.

Options:
${DATA_DIR_HELP}`,
  rollback: `Usage: warden rollback <id> [--to <version>]

Go back to the previous version kept locally (the last two are kept).

Options:
  --to <version>           a specific kept version
${DATA_DIR_HELP}`,
  uninstall: `Usage: warden uninstall <id>

Remove an installed extension and its kept versions.

Options:
${DATA_DIR_HELP}`,
  list: `Usage: warden list [--json]

Installed extensions: version, state, unsigned/blocked flags, kept versions.

Options:
  --json                   print the list as JSON
  --policy <file>          the administrator policy to apply (default: <data-dir>/policy.json)
${DATA_DIR_HELP}`,
  catalog: `Usage: warden catalog build <dir-of-wext-files> --key <file> [--out index.json] [--index-version <n>]
         [--expires-days <n>] [--block <id>@<version>[:<sha256>]]... [--rollout <id>@<version>=<percent>]...

Write a signed catalog index of the .wext files in a folder, with a blocklist.

Options:
  --key <file>             the catalog's private key (from warden keygen)
  --out <file>             the index file (default: <dir>/index.json)
  --index-version <n>      the index version (must grow; default: one more than the last)
  --expires-days <n>       days until clients refuse the index as stale
  --block <id>@<version>[:<sha256>]  blocklist a package version (repeatable)
  --rollout <id>@<v>=<pct> stage that version to pct% of installations (repeatable; docs/admin.md)`,
  search: `Usage: warden search [<text>] [--catalog <dir-or-url>] [--trust-catalog-key <key>]... [--json]

List matching packages in a catalog. Catalog keys are trusted from <data-dir>/config.json
{ "catalogKeys": [...] } or --trust-catalog-key (a base64 key or a .pub file).

Options:
  --catalog <dir-or-url>   the catalog (default: "catalog" in config.json)
  --trust-catalog-key <key>  trust this catalog key (repeatable)
  --json                   print the packages as JSON
${DATA_DIR_HELP}`,
  advisories: `Usage: warden advisories [--feed <file>] [--trust-feed-key <key>]... [--json]
       warden advisories sign <osv-records.json> --key <file> [--out advisories.json] [--feed-version <n>]
         [--expires-days <n>]

Match every installed extension's bill of materials (SBOM) against the trusted advisory feed (OSV
records signed by a key in config.json "advisoryKeys" or "catalogKeys"), offline, and show each
vulnerable bundled package with the fixed version when known. New findings are audited once.
A feed with a bad signature, an untrusted key, an expiry in the past or a version older than the
kept one is refused (exit 2). "sign" signs OSV records into a feed file.

Options:
  --feed <file>            verify this feed and keep it (default: the kept feed, or "advisoryFeed" in config.json)
  --trust-feed-key <key>   trust this advisory feed key (base64 or a .pub file; repeatable)
  --json                   print the findings as JSON
  --key <file>             sign: the feed's private key (from warden keygen)
  --out <file>             sign: the feed file (default: advisories.json)
  --feed-version <n>       sign: the feed version (must grow; default: the time in seconds)
  --expires-days <n>       sign: days until clients refuse the feed as stale (default 30)
${DATA_DIR_HELP}`,
};

/** `--help`/`-h` anywhere among a command's arguments asks for its usage (no value is ever either). */
export const asksForHelp = (argv: readonly string[]): boolean => argv.includes('--help') || argv.includes('-h');

export const USAGE = `Usage: warden <command> [options]

Commands:
  init <extension-dir> [--id <publisher>.<name>] [--name <title>] [--js | --python]
        Create an extension in a new or empty folder (TypeScript, --js or --python) that builds and runs as it is.
  run <extension-dir | installed-id> <command-id> [--args <json>] [--json] [--data-dir <dir>] [--timeout <ms>] [--verbose]
      [--allow <cap>=<target>]... [--deny <cap>=<target>]... [--deny-all] [--prompt] [--prompt-timeout <s>] [--pick <path>]... [--policy <file>]
        Run one command of an extension in the sandbox and print its result. Permission prompts are
        answered by --allow/--deny rules (e.g. --allow fs.read=~/Documents --allow net=https://api.example.com),
        denied with --deny-all, or asked in the terminal (--prompt; the default when stdin is a terminal).
        Piped answers are read one line per prompt, in order; end of input denies the rest; an
        unanswered prompt is denied after --prompt-timeout seconds (60). Time spent in a prompt does
        not count against --timeout.
        Capabilities: fs.read, fs.write, net, secrets, notifications.
  grants [list|revoke <grant-id>] [--extension <id>] [--json]
        Show or revoke stored "always" answers.
  audit [--extension <id>] [--follow] [--json]
        Show the audit log of permission decisions and mediated operations.
  secrets set <extension-id|folder> <NAME> | list <extension-id|folder> | delete <extension-id|folder> <NAME>
        Store a secret an extension declared in manifest.json (other names are refused; the value
        is read from stdin). Encrypted in the data folder; the key is kept outside it.
  top <extension-dir>... [--run <command-id>] [--args <json>] [--duration <seconds>]
        Start extensions (running a command in each) and show their live resource use and kills.
  serve [--port <n>] [--examples] [--dev <folder>]... [--catalog <dir|url>] [--catalog-refresh <seconds>] [--policy <file>] [--open]
        Run the app and serve its panel to a browser on 127.0.0.1 (headless mode). The trusted catalog
        is re-read at start and every --catalog-refresh seconds (default 900): a version it newly
        blocklists is stopped at once and shown with the reason (roll it back or uninstall it).
  quarantine [list]      Show quarantined extensions (too many kills or violations).
  release <extension-id> Let a quarantined extension run again.
  anomalies [list|accept <id>|incident <id>|profile <extension-id>] [--extension <id>] [--all] [--json]
        What behaviour baselines noticed (findings), marking one expected, the timeline around one
        (Markdown, or --json), and what was learnt of an extension.
  build <extension-dir> [--entry <file>] [--wheels <dir>]
        Bundle src/extension.(ts|js) into the manifest's "main" (CommonJS, for the sandbox), or
        vendor a Python extension's pinned wheels, and write its bill of materials: sbom.cdx.json
        (CycloneDX) and THIRD_PARTY_LICENSES.txt.
  validate <extension-dir> [--strict] [--format text|json|sarif]
        Check manifest.json and the bundle without running anything.
  keygen [--out <file>]
        Create an ed25519 publisher key: <file> (private, 0600) and <file>.pub. Never overwrites.
  pack <extension-dir> --key <file> [--out <file.wext>] [--gzip]
        Sign the folder into a .wext: manifest.json, the main bundle (+ .map), the icon, README.md,
        LICENSE and CHANGELOG.md, and the bill of materials build writes (sbom.cdx.json,
        THIRD_PARTY_LICENSES.txt). Nothing else ships. The same folder gives the same bytes.
  verify <file.wext> [--json]
        Check the signature and every file hash; print id, version, publisher, key and permissions.
  install <file.wext | catalog-id> [--catalog <dir-or-url>] [--trust-catalog-key <key>]... [--data-dir <dir>]
      [--accept-new-key] [--policy <file>]
  install --dev <extension-dir>
        Install a signed package (the first install pins its publisher key, and the pin outlives
        uninstall), or an unsigned developer copy (--dev, also --unsigned; marked unsigned).
        --accept-new-key  Trust a different publisher key than the one pinned for this id: only if
                          you know the publisher changed keys; otherwise someone else signed it.
  update <id> <file.wext | --catalog <dir-or-url>> [--approve]
        Same key and a higher version only. Wider permissions wait for: warden approve <id>.
  approve <id>      Activate an update that asks for more permissions.
  rollback <id> [--to <version>]
        Go back to the previous version kept locally (the last two are kept).
  uninstall <id>    Remove an installed extension and its kept versions (its publisher key stays pinned).
  list [--json]     Installed extensions: version, state, unsigned/blocked/forbidden flags and why, kept versions.
  catalog build <dir-of-wext-files> --key <file> [--out index.json] [--index-version <n>]
      [--expires-days <n>] [--block <id>@<version>[:<sha256>]]...
        Write a signed catalog index of the .wext files in a folder (with a blocklist).
  search [<text>] [--catalog <dir-or-url>] [--trust-catalog-key <key>]... [--json]
        List matching packages in a catalog. Catalog keys are trusted from <data-dir>/config.json
        { "catalogKeys": [...] } or --trust-catalog-key (a base64 key or a .pub file).
  advisories [--feed <file>] [--trust-feed-key <key>]... [--json]
        Bundled packages with known advisories in installed extensions (signed OSV feed, offline).
  advisories sign <osv-records.json> --key <file> [--out advisories.json] [--feed-version <n>]
        Sign OSV records into an advisory feed.
  dev <extension-dir> [--run <command-id>] [--args <json>]
        Rebuild on save and keep the extension running, reloading it in place; console streamed.
  help [<command>], --help   Show this help, or a command's usage (also: warden <command> --help).
  version, --version  The Warden version and the extension API version it implements.

Policy: the machine-wide file (Linux /etc/warden/policy.json, macOS /Library/Application Support/
Warden/policy.json, Windows %ProgramData%\\Warden\\policy.json) narrowed by <data-dir>/policy.json
or --policy <file>; a policy file that cannot be read or parsed is fatal (exit 2).

Exit codes: 0 success, 1 the command failed, 2 bad usage or an invalid extension.`;
