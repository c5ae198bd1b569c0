// `npm start` runs this first (prestart): it rebuilds dist/ only when it is missing or a TypeScript
// source of the build (or a tsconfig) is newer than dist/cli/main.js, so an unchanged clone starts
// at once and an edited one (or one after `git pull`) never serves stale code. Costs a few ms.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// The inputs of tsconfig.build.json: its folders (without tests) and the two tsconfig files.
const SOURCE_DIRS = ['spec', 'server', 'cli'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json'];
const ENTRY = 'dist/cli/main.js';

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The first source newer than `limit`, or undefined. */
function newerSource(dir, limit) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path === join('server', 'test-support')) continue;
      const found = newerSource(path, limit);
      if (found) return found;
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && mtime(path) > limit) {
      return path;
    }
  }
  return undefined;
}

const built = mtime(ENTRY);
const reason =
  built === undefined
    ? `${ENTRY} is missing`
    : (CONFIG_FILES.find((file) => mtime(file) > built) ?? SOURCE_DIRS.map((dir) => newerSource(dir, built)).find(Boolean));

if (reason) {
  console.error(`ai-market-sandbox: building (${built === undefined ? reason : `${reason} is newer than dist`})...`);
  // The npm that runs `npm start` (npm_execpath), on this node; plain `npm` when run by hand.
  const npm = process.env.npm_execpath;
  const { status } = npm
    ? spawnSync(process.execPath, [npm, 'run', '--silent', 'build'], { stdio: 'inherit' })
    : spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(status ?? 1);
}
