// An installed Python package's modules are covered by its signature at every start, as `main`
// is: a module changed on disk after install, or a module added beside them (which `import` would
// pick up), stops the extension with EPERM naming the file, and the audit log records an integrity
// violation. Before this, only `main` was re-hashed. Through the built CLI.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runCli, tempDir } from '../helpers/sandbox';
import { expectIntegrityRefusal, packPythonExample, type PackedPython } from '../helpers/python-package';

const ID = 'warden-examples.py-word-count';
let work: string;
let pkg: PackedPython;
beforeAll(async () => {
  work = tempDir('warden-py-modules-');
  pkg = await packPythonExample(work, 'py-word-count', ID);
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const install = (name: string) => pkg.install(name);

async function expectRefused(dataDir: string, message: RegExp): Promise<void> {
  const r = await runCli(
    ['run', ID, 'py-word-count.file', '--args', '{"file":"~/x.txt"}', '--json', '--data-dir', dataDir],
    {},
    300_000,
  );
  await expectIntegrityRefusal(r, {
    id: ID,
    dataDir,
    message,
    audit: /integrity: counting\.py|integrity: injected\.py/,
  });
}

describe("an installed Python package's modules", () => {
  it('a module changed after install is refused, naming it', async () => {
    const { dataDir, dir } = await install('changed');
    fs.appendFileSync(path.join(dir, 'counting.py'), '\nimport os\nos.environ["PWNED"] = "1"\n');
    await expectRefused(dataDir, /counting\.py does not match the signed package/);
  }, 300_000);

  it('a module added after install is refused, naming it', async () => {
    const { dataDir, dir } = await install('added');
    fs.writeFileSync(path.join(dir, 'injected.py'), 'PWNED = 1\n');
    await expectRefused(dataDir, /injected\.py is not part of the signed package/);
  }, 300_000);
});
