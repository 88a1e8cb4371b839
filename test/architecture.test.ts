// The layering of DESIGN §8, checked on the real import graph of every file under src/ (type-only imports included):
// action/, cli/ -> engine/ -> drivers/, checks/, state/, cohorts/, plan/ -> manifest/ -> sys/; only action/ and
// github/ know GitHub; no import cycles; processes, HTTP and git only through the ground floor, sys/.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

interface SourceFile {
  file: string;
  ast: ts.SourceFile;
  /** Relative imports resolved to files under src/, type-only ones included. */
  imports: string[];
  /** Package and node: imports, with whether the import brings in values (not only types). */
  packages: { name: string; values: boolean }[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function importsValues(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return !node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return true; // a side-effect import
  if (clause.isTypeOnly) return false;
  if (clause.name) return true;
  const bindings = clause.namedBindings;
  if (!bindings || ts.isNamespaceImport(bindings)) return true;
  return bindings.elements.some((e) => !e.isTypeOnly);
}

function parse(file: string): SourceFile {
  const ast = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: SourceFile = { file, ast, imports: [], packages: [] };
  const add = (spec: string, values: boolean) => {
    if (!spec.startsWith('.')) return out.packages.push({ name: spec, values });
    const target = relative('.', resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    if (target.startsWith('src/')) out.imports.push(target); // not, e.g., ../../package.json
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier)
      add((node.moduleSpecifier as ts.StringLiteral).text, importsValues(node));
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      ts.isStringLiteral(node.arguments[0]!)
    )
      add(node.arguments[0].text, true);
    ts.forEachChild(node, visit);
  };
  visit(ast);
  return out;
}

let files: SourceFile[];
beforeAll(() => {
  files = sourceFiles('src').map(parse);
});

const layerOf = (file: string) => file.split('/')[1]!;

/** Which layers each layer may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  sys: [],
  manifest: ['sys'],
  plan: ['manifest', 'sys'],
  cohorts: ['manifest', 'sys'],
  drivers: ['manifest', 'sys'],
  state: ['manifest', 'sys'],
  checks: ['manifest', 'drivers', 'sys'],
  engine: ['manifest', 'plan', 'cohorts', 'drivers', 'state', 'checks', 'sys'],
  // Pictures of a rollout (charts, timeline, the HTML report, the terminal view): pure, over the types below.
  report: ['manifest', 'state', 'checks', 'sys'],
  github: ['manifest', 'plan', 'state', 'report', 'sys'],
  cli: ['manifest', 'plan', 'engine', 'state', 'cohorts', 'drivers', 'checks', 'report', 'sys'],
  action: ['manifest', 'plan', 'engine', 'state', 'github', 'cohorts', 'drivers', 'checks', 'report', 'sys'],
};

/** Every node under `root` for which `match` holds, with its line, as `file:line`. */
function where(f: SourceFile, match: (node: ts.Node) => boolean): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (match(node)) out.push(`${f.file}:${f.ast.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    ts.forEachChild(node, visit);
  };
  visit(f.ast);
  return out;
}

describe('architecture', () => {
  it('has every source layer', () => {
    expect(new Set(files.map((f) => layerOf(f.file)))).toEqual(new Set(Object.keys(ALLOWED)));
  });

  it('imports point down the layers of DESIGN §8', () => {
    const wrong = files.flatMap((f) =>
      f.imports
        .filter((dep) => layerOf(dep) !== layerOf(f.file) && !ALLOWED[layerOf(f.file)]?.includes(layerOf(dep)))
        .map((dep) => `${f.file} -> ${dep}`),
    );
    expect(wrong).toEqual([]);
  });

  it('has no import cycles, type-only imports included', () => {
    const graph = new Map(files.map((f) => [f.file, f.imports]));
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const dep of graph.get(file) ?? []) visit(dep, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('only action/ and github/ import GitHub packages', async () => {
    const named = files.flatMap((f) =>
      f.packages
        .filter((p) => /^@(actions|octokit)\//.test(p.name) && !['action', 'github'].includes(layerOf(f.file)))
        .map((p) => `${f.file}: ${p.name}`),
    );
    expect(named).toEqual([]);
    // And the CLI's bundle, dependencies' own imports included, holds none of them.
    const result = await build({
      entryPoints: ['src/cli/main.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      outdir: '/tmp/rollouts-arch-cli',
      logLevel: 'silent',
    });
    const github = Object.keys(result.metafile.inputs).filter((f) => /node_modules\/@(actions|octokit)\//.test(f));
    expect(github).toEqual([]);
  });
});

describe('the outside world only through the ground floor, sys/', () => {
  // The HTTP client is sys/http.ts, the server (serveHttp) sys/http-server.ts.
  const HTTP = ['src/sys/http.ts', 'src/sys/http-server.ts'];
  const OWNER: Record<string, string[]> = {
    'node:child_process': ['src/sys/exec.ts'],
    child_process: ['src/sys/exec.ts'],
    'node:http': HTTP,
    'node:https': HTTP,
    http: HTTP,
    https: HTTP,
    'node:net': HTTP,
    'node:tls': HTTP,
    undici: HTTP,
    '@actions/exec': ['(nobody)'],
  };

  it('processes (node:child_process) only in sys/exec.ts, HTTP (node:http/s, undici) only in sys/http*.ts', () => {
    const wrong = files.flatMap((f) =>
      f.packages
        .filter((p) => p.values && OWNER[p.name] !== undefined && !OWNER[p.name]!.includes(f.file))
        .map((p) => `${f.file}: ${p.name}`),
    );
    expect(wrong).toEqual([]);
  });

  const isFetch = (node: ts.Node) =>
    ts.isCallExpression(node) &&
    ((ts.isIdentifier(node.expression) && node.expression.text === 'fetch') ||
      (ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'fetch' &&
        ts.isIdentifier(node.expression.expression) &&
        node.expression.expression.text === 'globalThis'));
  const names = (node: ts.Node | undefined) => !!node && ts.isStringLiteralLike(node) && node.text === 'git';
  const runsGit = (node: ts.Node) =>
    (ts.isArrayLiteralExpression(node) && names(node.elements[0])) ||
    (ts.isCallExpression(node) && names(node.arguments[0]));
  const outside = (owner: string) => files.filter((f) => f.file !== owner);

  it('the global fetch only in sys/http.ts', () => {
    expect(outside('src/sys/http.ts').flatMap((f) => where(f, isFetch))).toEqual([]);
  });

  it('git run only by sys/git.ts: no other file names the git binary as a command', () => {
    expect(outside('src/sys/git.ts').flatMap((f) => where(f, runsGit))).toEqual([]);
  });

  it('finds what it forbids where it is allowed (the rules are not vacuous)', () => {
    const file = (name: string) => files.find((f) => f.file === name)!;
    expect(where(file('src/sys/http.ts'), isFetch)).toEqual([]); // undici's dispatcher, not fetch
    expect(file('src/sys/http.ts').packages).toContainEqual({ name: 'undici', values: true });
    expect(file('src/sys/http-server.ts').packages).toContainEqual({ name: 'node:http', values: true });
    expect(where(file('src/sys/git.ts'), runsGit)).not.toEqual([]);
    expect(file('src/sys/exec.ts').packages).toContainEqual({ name: 'node:child_process', values: true });
    expect(file('src/sys/git.ts').packages).toContainEqual({ name: 'node:child_process', values: false });
  });
});
