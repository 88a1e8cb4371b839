// Colour for people at a terminal: status words and marks in the lines the CLI writes, never in JSON, pipes or CI
// logs. NO_COLOR (no-color.org) turns it off; FORCE_COLOR turns it on (FORCE_COLOR=0 off), and wins, as in Node.
const SGR = { red: '31', green: '32', yellow: '33' } as const;

const WORDS: [RegExp, keyof typeof SGR][] = [
  [/✖|\b(failed|fail)\b/g, 'red'],
  [/✔|\b(healthy|complete|rolled-back|valid|pass)\b|(?<=: )ok\b/g, 'green'],
  [/\b(holding|paused|applying|rolling-back|inconclusive)\b/g, 'yellow'],
];

export function colourEnabled(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  if (env.CI || env.TERM === 'dumb') return false;
  return isTTY;
}

/** The text with its status words coloured; JSON (a text that starts with `{` or `[`) is left as it is. */
export function paint(text: string): string {
  if (/^\s*[{[]/.test(text)) return text;
  let out = text;
  for (const [pattern, colour] of WORDS) out = out.replace(pattern, (w) => `\x1b[${SGR[colour]}m${w}\x1b[39m`);
  return out;
}
