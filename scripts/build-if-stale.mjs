/* global process */
// `npm start`'s prestart: runs `nest build` only when dist/ is older than the sources it is built
// from, so a second `npm start` starts at once instead of rebuilding for ~20 s.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const built = join(root, 'dist', 'main.js');

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const inputs = ['src', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];
const sources = Math.max(
  ...inputs
    .map((name) => join(root, name))
    .filter(existsSync)
    .map(newest),
);
if (existsSync(built) && statSync(built).mtimeMs >= sources) {
  process.stdout.write('dist/ is up to date: starting without a rebuild (npm run build forces one)\n');
} else {
  process.stdout.write('building dist/ (nest build, ~20 s; later starts skip this while src/ is unchanged)\n');
  execFileSync('npx', ['nest', 'build'], { cwd: root, stdio: 'inherit' });
}
