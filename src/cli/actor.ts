// Who runs a control (resume, retry, promote --skip-hold), as the ledger records it: $ROLLOUTS_ACTOR, the Actions
// user ($GITHUB_ACTOR), else the repository's git identity (`user.name <user.email>`), else the login name.
import { userInfo } from 'node:os';
import { Git } from '../sys/git.js';

export async function actorOf(root: string, env: NodeJS.ProcessEnv): Promise<string> {
  const given = env.ROLLOUTS_ACTOR || env.GITHUB_ACTOR;
  if (given) return given;
  const git = new Git(root, { env });
  const config = async (key: string) => {
    const r = await git.run(['config', '--get', key]);
    return r.code === 0 ? r.stdout.trim() : '';
  };
  const [name, email] = await Promise.all([config('user.name'), config('user.email')]);
  if (name || email) return [name, email && `<${email}>`].filter(Boolean).join(' ');
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
