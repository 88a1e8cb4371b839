// Bundles the action and the CLI into dist/ (committed: the action runs dist/index.js as is).
import { build } from 'esbuild';

const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Some dependencies are CommonJS and call require(): give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};

// The HTML report inlines uPlot and its own page script (src/report/assets.ts): carried in the bundle as text.
const { readFileSync } = await import('node:fs');
const { createRequire } = await import('node:module');
const requireHere = createRequire(import.meta.url);
const reportAssets = {
  uplotJs: readFileSync(requireHere.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
  uplotCss: readFileSync(requireHere.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  pageJs: readFileSync('src/report/page/report.js', 'utf8'),
};
// A string literal (JSON text), which esbuild inlines where it is used: an object it would hoist into every chunk.
shared.define = { __ROLLOUTS_REPORT_ASSETS__: JSON.stringify(JSON.stringify(reportAssets)) };

// The action runs on Node 24 (action.yml), whose fetch is built in: the GitHub client's `undici` (its fetch and
// ProxyAgent) is a small shim, not a second copy. The engine's own HTTP client (src/sys/http.ts) is undici's
// dispatcher, which Node does not expose: that import is the one undici the bundle carries.
const { fileURLToPath } = await import('node:url');
const undiciShim = {
  name: 'undici-shim',
  setup(b) {
    const path = fileURLToPath(new URL('./shims/undici.mjs', import.meta.url));
    b.onResolve({ filter: /^undici$/ }, (args) =>
      /[\\/]node_modules[\\/]@(actions|octokit)[\\/]/.test(args.importer) ? { path } : undefined,
    );
  },
};
// zod re-exports all of its ~50 locales as `z.locales` (366 KB, a quarter of the CLI's manifest chunk, parsed on every
// start); its messages come from `en`, which it imports on its own, and nothing here reads `z.locales`.
const zodLocalesShim = {
  name: 'zod-locales-shim',
  setup(b) {
    const path = fileURLToPath(new URL('./shims/zod-locales.mjs', import.meta.url));
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir) ? { path } : undefined,
    );
  },
};
shared.plugins = [zodLocalesShim];

await build({
  ...shared,
  target: 'node24',
  entryPoints: ['src/action/main.ts'],
  outfile: 'dist/index.js',
  plugins: [...shared.plugins, undiciShim],
});
// The CLI is split: dist/cli.js is the entry (the version, and the program's loader), dist/cli/ its chunks, each
// command's modules loaded only when it runs (src/cli/commands/index.ts). Old chunks go first: their names are hashes.
const { rmSync } = await import('node:fs');
rmSync('dist/cli', { recursive: true, force: true });
await build({
  ...shared,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'cli/[name]-[hash]',
  banner: { js: '#!/usr/bin/env node\n' + shared.banner.js },
});

// The bin: npm sets the mode when it installs a package, but a checkout or a symlink made by hand runs it as it is.
const { chmodSync } = await import('node:fs');
chmodSync('dist/cli.js', 0o755);

// The manifest's JSON Schema, for editors (`# yaml-language-server: $schema=`), generated from the zod schema.
const { execFileSync } = await import('node:child_process');
const { writeFileSync, mkdirSync } = await import('node:fs');
mkdirSync('schema', { recursive: true });
writeFileSync('schema/rollouts-v1.json', execFileSync(process.execPath, ['dist/cli.js', 'schema']));

// The generated parts of docs/ (the manifest, CLI and action references): scripts/docs.ts.
execFileSync(process.execPath, ['--import', 'tsx', 'scripts/docs.ts'], { stdio: 'inherit' });
