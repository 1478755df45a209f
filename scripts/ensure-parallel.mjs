#!/usr/bin/env node
// The sweep recipe's test runs GNU parallel. Install Debian's `parallel` when missing and we are root; otherwise say how.
import { execSync } from 'node:child_process';

const has = () => {
  try {
    execSync('parallel --version', { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
if (has()) process.exit(0);
if (process.getuid && process.getuid() === 0) {
  console.log('Installing GNU parallel for the sweep recipe test (apt-get install parallel)…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq parallel', { stdio: 'inherit' });
  if (has()) process.exit(0);
}
console.error('The sweep recipe test needs GNU parallel: run "sudo apt-get install parallel", then npm test again.');
process.exit(1);
