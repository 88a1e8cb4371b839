// Progress of long work: a live line on a terminal (batches, items, rate), plain lines when not a TTY.
export interface Reporter {
  info(line: string): void;
  batch(label: string, batches: number, items: number, elapsedMs: number, maxBatches?: number): void;
  done(label: string, batches: number, items: number, elapsedMs: number): void;
}

function rate(items: number, batches: number, ms: number): string {
  const s = Math.max(ms, 1) / 1000;
  return items ? `${Math.round(items / s)} items/s` : `${Math.round(batches / s)} batches/s`;
}

/** A terminal's live line is redrawn at most this often: a fast paged step runs thousands of batches a second. */
export const LIVE_EVERY_MS = 100;
/** Plain (not a TTY) progress lines, at most this often. */
export const PLAIN_EVERY_MS = 2000;

export function streamReporter(write: (text: string) => void, isTTY: boolean): Reporter {
  // The elapsed time of the last line written; -Infinity: none yet in this step.
  let last = -Infinity;
  let live = false;
  const clear = () => {
    if (live) write('\r\x1b[2K');
    live = false;
  };
  return {
    info(line) {
      clear();
      write(`${line}\n`);
    },
    batch(label, batches, items, ms, maxBatches) {
      if (batches !== 1 && ms - last < (isTTY ? LIVE_EVERY_MS : PLAIN_EVERY_MS)) return;
      last = ms;
      const eta =
        maxBatches && batches < maxBatches ? `, ETA ${Math.ceil(((maxBatches - batches) * ms) / batches / 1000)}s` : '';
      const batch = `batch ${batches}${maxBatches ? `/${maxBatches}` : ''}`;
      const text = `${label}: ${batch}, ${items} items, ${rate(items, batches, ms)}${eta}`;
      if (isTTY) {
        write(`\r\x1b[2K${text}`);
        live = true;
      } else write(`${text}\n`);
    },
    done(label, batches, items, ms) {
      clear();
      last = -Infinity;
      write(
        `${label}: done, ${batches} batch${batches === 1 ? '' : 'es'}, ${items} items in ${(ms / 1000).toFixed(1)}s\n`,
      );
    },
  };
}

export const silentReporter: Reporter = { info() {}, batch() {}, done() {} };
