// One long-lived git process answering requests on its stdin with lines on its stdout (`mktree --batch`,
// `hash-object --stdin-paths`, `update-ref --stdin`): a request then costs a round trip through a pipe instead of a
// process, whose spawn blocks this thread for milliseconds in a large process. Started on the first request, it ends
// itself after a while with nothing to do, and it never keeps node running: its handles are referenced only while a
// request waits for its answer.
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { GitError } from './git-error.js';
import type { Git } from './git.js';

/** How long an idle process is kept: a paged step's checkpoints (every 2 s by default) keep theirs. */
export const DEFAULT_IDLE_MS = 10_000;

interface Waiting {
  lines: number;
  got: string[];
  resolve: (lines: string[]) => void;
  reject: (e: Error) => void;
}

/** What a stream may do to the event loop (net.Socket's ref/unref; a child's stdio pipes are sockets). */
type Refable = (Readable | Writable) & { ref?: () => unknown; unref?: () => unknown };

class Running {
  readonly waiting: Waiting[] = [];
  readonly ended: Promise<string>;
  private buf = '';
  private stderr = '';

  constructor(readonly child: ChildProcess) {
    child.stdin?.on('error', () => undefined); // a dead process fails the requests waiting below
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.take(chunk));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (this.stderr.length < 64 * 1024) this.stderr += chunk;
    });
    this.ended = new Promise((resolve) => {
      child.once('error', (e) => resolve(e.message));
      child.once('close', () => resolve(this.stderr));
    });
    this.hold(false);
  }

  /** References the process's handles (a request waits) or not (idle: node may exit). */
  hold(on: boolean): void {
    const streams = [this.child.stdin, this.child.stdout, this.child.stderr] as (Refable | null)[];
    if (on) this.child.ref();
    else this.child.unref();
    for (const s of streams) (on ? s?.ref : s?.unref)?.call(s);
  }

  private take(chunk: string): void {
    this.buf += chunk;
    for (let nl = this.buf.indexOf('\n'); nl >= 0; nl = this.buf.indexOf('\n')) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const head = this.waiting[0];
      if (!head) continue; // nothing asked: not an answer
      head.got.push(line);
      if (head.got.length < head.lines) continue;
      this.waiting.shift();
      head.resolve(head.got);
    }
    if (!this.waiting.length) this.hold(false);
  }
}

export class GitPipe {
  private running: Running | null = null;
  private idle: NodeJS.Timeout | null = null;

  constructor(
    private readonly git: Git,
    private readonly args: readonly string[],
    private readonly idleMs = DEFAULT_IDLE_MS,
  ) {}

  /**
   * Writes `input` and resolves with the next `lines` lines of output. Requests are answered in the order they were
   * made. When the process ends first (it refused the request: `update-ref` dies on a lost compare-and-swap), every
   * request still waiting is rejected with a GitError carrying its stderr, and the next request starts a new process.
   */
  request(input: string, lines = 1): Promise<string[]> {
    const alive = this.running && this.running.child.exitCode === null && this.running.child.signalCode === null;
    const run = alive ? this.running! : this.start();
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    return new Promise((resolve, reject) => {
      run.waiting.push({ lines, got: [], resolve, reject });
      run.hold(true);
      run.child.stdin?.write(input);
    }).finally(() => this.settle(run)) as Promise<string[]>;
  }

  /** Ends the process (after the requests waiting) and waits for it. */
  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const run = this.running;
    this.running = null;
    if (!run) return;
    // Held while it ends: a caller awaiting close must be resumed, not left behind by a node with nothing referenced.
    run.hold(true);
    run.child.stdin?.end();
    await run.ended;
  }

  private start(): Running {
    const run = new Running(this.git.spawn(this.args, ['pipe', 'pipe', 'pipe']));
    this.running = run;
    void run.ended.then((stderr) => {
      if (this.running === run) this.running = null;
      const what = `git ${this.args[0] ?? ''} ended`;
      for (const w of run.waiting.splice(0)) w.reject(new GitError(what, stderr));
    });
    return run;
  }

  private settle(run: Running): void {
    if (run !== this.running || run.waiting.length) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.idle = null;
      if (this.running === run && !run.waiting.length) void this.close();
    }, this.idleMs);
    this.idle.unref();
  }
}
