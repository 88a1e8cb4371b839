// The version and where to report bugs, from package.json: all that `rollouts --version` loads (main.ts).
import packageJson from '../../package.json' with { type: 'json' };

export const VERSION: string = packageJson.version;
export const REPORT_TO: string = packageJson.bugs.url;
