// The report page's scripts and styles: uPlot (npm `uplot`, a devDependency) and the page's own script, inlined
// into every report so it needs no network. The bundle carries them as text (scripts/build.mjs defines
// __ROLLOUTS_REPORT_ASSETS__); run from source (tests, tsx) they are read from node_modules and src/.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  pageJs: string;
}

/** JSON text, not an object: esbuild would hoist an object into a module every chunk of the split CLI imports. */
declare const __ROLLOUTS_REPORT_ASSETS__: string | undefined;

let cached: ReportAssets | undefined;

export function reportAssets(): ReportAssets {
  if (cached) return cached;
  if (typeof __ROLLOUTS_REPORT_ASSETS__ !== 'undefined')
    return (cached = JSON.parse(__ROLLOUTS_REPORT_ASSETS__) as ReportAssets);
  const require = createRequire(import.meta.url);
  cached = {
    uplotJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    pageJs: readFileSync(new URL('./page/report.js', import.meta.url), 'utf8'),
  };
  return cached;
}
