// Files the package ships beside its code (templates/, examples/workflows/), found from wherever this module runs:
// dist/cli.js in an installed package, src/cli/ in a checkout.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The directory of gitops-rollouts' own package.json, the first one up from this module. */
function packageRoot(): string {
  if (root) return root;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'gitops-rollouts'
    )
      return (root = dir);
    if (dirname(dir) === dir) throw new Error('the gitops-rollouts package root is not above the CLI');
  }
}

export function readPackageFile(path: string): Promise<string> {
  return readFile(join(packageRoot(), path), 'utf8');
}
