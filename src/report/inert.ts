// Text from targets and runs (a sample's reason, a step's error, an audit's result) made inert in the Markdown of a
// GitHub body: no @mention pings a team, no <img> or HTML loads, no [link](…) or image is drawn, no backtick or
// </code> closes the code around it, and no `<!-- gitops-rollouts:… -->` marker is forged; one line, table-safe.
const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export function inert(text: string): string {
  return text
    .replace(/[&<>]/g, (c) => HTML[c]!)
    .replace(/([\\`[\]|])/g, '\\$1')
    .replace(/@(?=[A-Za-z0-9_-])/g, '@\u200b')
    .replace(/[\r\n]+/g, ' ');
}
