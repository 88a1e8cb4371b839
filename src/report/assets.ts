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

declare const __ROLLOUTS_REPORT_ASSETS__: ReportAssets | undefined;

let cached: ReportAssets | undefined;

export function reportAssets(): ReportAssets {
  if (typeof __ROLLOUTS_REPORT_ASSETS__ !== 'undefined') return __ROLLOUTS_REPORT_ASSETS__;
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  cached = {
    uplotJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    pageJs: readFileSync(new URL('./page/report.js', import.meta.url), 'utf8'),
  };
  return cached;
}
