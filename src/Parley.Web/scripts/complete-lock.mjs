// The npm registry copy on Parley's build machines lacks some platform-specific optional
// packages (e.g. @rollup/rollup-darwin-arm64), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock as "out of sync". This adds a
// lock entry (version, os/cpu, optional) for every optional dependency the lock lacks;
// `npm ci` skips entries for other platforms. Run after `npm install`: node scripts/complete-lock.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pkgs = lock.packages;

function platform(name) {
  const os = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'win32', 'sunos', 'aix', 'netbsd'].find((o) => name.includes(o));
  const cpu = ['arm64', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'arm', 'mips64el', 'wasm32'].find((c) => new RegExp(`-${c}(-|$)`).test(name));
  const libc = /-musl/.test(name) ? ['musl'] : /-gnu/.test(name) && os === 'linux' ? ['glibc'] : undefined;
  return { os: os ? [os] : undefined, cpu: cpu ? [cpu] : undefined, libc };
}

let added = 0;
for (const [key, entry] of Object.entries(pkgs)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `${key ? `${key}/` : ''}node_modules/${dep}`;
    const top = `node_modules/${dep}`;
    if (pkgs[at] || pkgs[top]) continue;
    const version = String(range).replace(/^[~^]/, '');
    const { os, cpu, libc } = platform(dep);
    pkgs[top] = { version, ...(cpu && { cpu }), ...(entry.dev && { dev: true }), ...(libc && { libc }), optional: true, ...(os && { os }) };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: added ${added} optional platform entries`);
