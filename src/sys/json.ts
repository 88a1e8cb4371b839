// The one "JSON or nothing" parser, for output that may or may not be JSON (a step's stdout, a response body).

/**
 * The JSON value of `text`, or `undefined` when the text is not JSON (empty, only whitespace, or not parseable).
 * `undefined` means "no JSON"; the text `null` is the JSON value null. Callers decide how "no JSON" shows to users:
 * a step's `result.json` is then absent (`has(result.json)` is false in CEL), a check's `result.json` is null.
 */
export function tryParseJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}
