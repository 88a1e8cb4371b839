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

export function streamReporter(write: (text: string) => void, isTTY: boolean): Reporter {
  let lastPlain = 0;
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
      const eta =
        maxBatches && batches < maxBatches ? `, ETA ${Math.ceil(((maxBatches - batches) * ms) / batches / 1000)}s` : '';
      const batch = `batch ${batches}${maxBatches ? `/${maxBatches}` : ''}`;
      const text = `${label}: ${batch}, ${items} items, ${rate(items, batches, ms)}${eta}`;
      if (isTTY) {
        write(`\r\x1b[2K${text}`);
        live = true;
      } else if (ms - lastPlain >= 2000 || batches === 1) {
        lastPlain = ms;
        write(`${text}\n`);
      }
    },
    done(label, batches, items, ms) {
      clear();
      lastPlain = 0;
      write(
        `${label}: done, ${batches} batch${batches === 1 ? '' : 'es'}, ${items} items in ${(ms / 1000).toFixed(1)}s\n`,
      );
    },
  };
}

export const silentReporter: Reporter = { info() {}, batch() {}, done() {} };
