#!/usr/bin/env node
'use strict';
// The `warden` command. The CLI is bundled by `npm install` (the "prepare" script) into dist/.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', '..', '..', 'dist', 'cli', 'warden.cjs');
if (!fs.existsSync(cli)) {
  process.stderr.write(
    'warden: the CLI is not built yet: run `npm install` (or `npm run build`) in the Warden folder\n',
  );
  process.exit(2);
}
require(cli);
