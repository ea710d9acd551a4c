/**
 * `warden init --python <dir>`: a Python extension (docs/python.md) that validates and runs as
 * it is. Nothing to build: the .py files are the extension, and `warden pack` signs them.
 */
import { WARDEN_API_VERSION } from '../../../electron/common/version';

export function pythonScaffoldFiles(o: { id: string; name: string }): Record<string, string> {
  const [publisher, short] = o.id.split('.') as [string, string];
  const command = `${short}.greet`;
  const manifest = {
    id: o.id,
    name: o.name,
    version: '0.1.0',
    publisher,
    description: `${o.name}: a Warden extension in Python.`,
    runtime: 'python',
    main: 'main.py',
    engines: { warden: `^${WARDEN_API_VERSION.split('.')[0]}.0.0` },
    activation: 'onCommand',
    contributes: {
      commands: [
        { id: command, title: 'Say hello', params: { name: { type: 'string', title: 'Name', default: 'world' } } },
      ],
    },
    // Nothing outside the extension's own data folder: add what it needs, e.g.
    // "fs.read": ["~/Documents/**"], "net": ["https://api.example.com/**"].
    permissions: {},
    // Python's own memory (the wasm heap) is capped at this; above it Python raises MemoryError.
    limits: { memoryMb: 128 },
  };
  const main = `"""${o.name}: a Warden extension in Python.

\`import host\` is the only authority the extension has (docs/python.md): files through host.fs,
HTTP through host.net.fetch, private storage, secrets, notifications. Host calls are awaitable;
a refused or failed call raises host.HostError with the same code as in JavaScript (EPERM, ...).
"""
import host


@host.command("${command}")
async def greet(args):
    who = args.get("name") or "world"
    # Private storage: persisted, always allowed, within limits.storageMb.
    count = (await host.storage.get("greetings") or 0) + 1
    await host.storage.set("greetings", count)
    return {"type": "table", "columns": ["greeting", "greetings so far"], "rows": [[f"Hello, {who}!", count]]}
`;
  return {
    'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`,
    'main.py': main,
    'README.md': `# ${o.name}

A Warden extension in Python (CPython in WebAssembly, inside Warden's sandbox).

    warden run . ${command} --args '{"name":"Ada"}'    # runs it in the sandbox
    warden validate .                                  # checks manifest.json
    warden pack . --key <file>                         # signs every .py file into a .wext

The standard library, your own .py files and pure-Python wheels pinned by hash in
requirements.lock (put the wheels in wheels/, then \`warden build .\`; docs/python.md) are
available; there is no network, process or file access except through \`host\`.
`,
    '.gitignore': '__pycache__/\n*.wext\n*.key\n',
  };
}
