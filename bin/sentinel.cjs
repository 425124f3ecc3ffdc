#!/usr/bin/env node
// `sentinel` command: runs the built CLI (npm run build first).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'out', 'main', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('sentinel: the workstation is not built yet: run `npm run build` first\n');
  process.exit(1);
}
require(cli);
