#!/usr/bin/env node
// Browser tests drive Debian's Chromium. Install it when missing and we are root; otherwise say how.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (existsSync(CHROMIUM)) process.exit(0);
if (process.getuid && process.getuid() === 0) {
  console.log('Installing Debian Chromium for the browser tests (apt-get install chromium)…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
  if (existsSync(CHROMIUM)) process.exit(0);
}
console.error(`Browser tests need Chromium at ${CHROMIUM}: run "sudo apt-get install chromium" (or set CHROMIUM_PATH), then npm test again.`);
process.exit(1);
