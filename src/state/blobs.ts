// Reading many objects through one `git cat-file --batch` process instead of a spawn per object: every state.json of
// a tip for a pass, the commits and trees of a ledger archive.
import type { ChildProcess } from 'node:child_process';
import { exited, type Git } from '../sys/git.js';
import { StateStoreError } from './errors.js';
import { STATE_FILE } from './store-types.js';

export interface GitObject {
  oid: string;
  type: string;
  body: Buffer;
}

interface Pending {
  spec: string;
  resolve: (o: GitObject | null) => void;
  reject: (e: Error) => void;
}

/** One `git cat-file --batch`: requests are pipelined and answered in order. Always `close()` it. */
export class CatFileBatch {
  private readonly child: ChildProcess;
  private readonly done: Promise<{ code: number; stderr: string }>;
  private readonly pending: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);

  constructor(git: Git) {
    this.child = git.spawn(['cat-file', '--batch'], ['pipe', 'pipe', 'pipe']);
    this.done = exited(this.child);
    this.child.stdin?.on('error', () => undefined); // a dead cat-file fails the pending reads below
    this.child.stdout?.on('data', (c: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, c]) : c;
      this.drain();
    });
    void this.done.then(
      (r) => this.failAll(new StateStoreError('git cat-file --batch ended', r.stderr)),
      (e: Error) => this.failAll(e),
    );
  }

  /** The object `spec` names (`<oid>`, `<commit>:<path>`, `<commit>^{tree}`), or null when it does not exist. */
  read(spec: string): Promise<GitObject | null> {
    if (/[\n\r]/.test(spec)) return Promise.reject(new StateStoreError(`bad object name ${JSON.stringify(spec)}`));
    return new Promise((resolve, reject) => {
      this.pending.push({ spec, resolve, reject });
      this.child.stdin?.write(`${spec}\n`);
    });
  }

  async close(): Promise<void> {
    this.child.stdin?.end();
    await this.done;
  }

  private drain(): void {
    for (;;) {
      const head = this.pending[0];
      const nl = this.buf.indexOf(10);
      if (!head || nl < 0) return;
      const header = this.buf.subarray(0, nl).toString('utf8');
      if (/ (missing|ambiguous)$/.test(header)) {
        this.buf = this.buf.subarray(nl + 1);
        this.pending.shift();
        head.resolve(null);
        continue;
      }
      const [oid, type, size] = header.split(' ');
      const n = Number(size);
      if (!oid || !type || !Number.isInteger(n)) {
        this.failAll(new StateStoreError(`unexpected git cat-file --batch header: ${header.slice(0, 200)}`));
        this.child.kill();
        return;
      }
      if (this.buf.length < nl + 1 + n + 1) return;
      const body = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + n));
      this.buf = this.buf.subarray(nl + 1 + n + 1);
      this.pending.shift();
      head.resolve({ oid, type, body });
    }
  }

  private failAll(e: Error): void {
    for (const p of this.pending.splice(0)) p.reject(e);
  }
}

export interface RawTreeEntry {
  mode: string;
  name: string;
  oid: string;
}

/** Parses a tree object's body (`<mode> <name>\0<raw id>` records); `oidHexLength` is 40 (SHA-1) or 64. */
export function parseTreeBody(body: Buffer, oidHexLength: number): RawTreeEntry[] {
  const raw = oidHexLength / 2;
  const out: RawTreeEntry[] = [];
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(32, i);
    const nul = body.indexOf(0, sp + 1);
    if (sp < 0 || nul < 0 || nul + 1 + raw > body.length) throw new StateStoreError('corrupt tree object');
    const mode = body.subarray(i, sp).toString('utf8');
    out.push({
      mode,
      name: body.subarray(sp + 1, nul).toString('utf8'),
      oid: body.subarray(nul + 1, nul + 1 + raw).toString('hex'),
    });
    i = nul + 1 + raw;
  }
  return out;
}

/**
 * Every rollout directory at `tip` and its state.json text (null: a directory without one), read through one
 * cat-file process: the root tree, then every state file, pipelined.
 */
export async function readStateFiles(git: Git, tip: string): Promise<Map<string, string | null>> {
  const batch = new CatFileBatch(git);
  try {
    const root = await batch.read(`${tip}^{tree}`);
    if (!root) throw new StateStoreError(`cannot read the tree of state commit ${tip}`);
    const dirs = parseTreeBody(root.body, root.oid.length).filter((e) => e.mode === '40000');
    const files = await Promise.all(dirs.map((d) => batch.read(`${d.oid}:${STATE_FILE}`)));
    return new Map(dirs.map((d, i) => [d.name, files[i]?.type === 'blob' ? files[i].body.toString('utf8') : null]));
  } finally {
    await batch.close();
  }
}
