// Git authentication scoped to the git commands the action runs: an http.extraheader passed through the
// environment (GIT_CONFIG_COUNT/KEY/VALUE), so the token is never written to .git/config or anywhere on disk, and
// a checkout with `persist-credentials: false` still pushes.
export function gitAuthEnv(token: string, serverUrl: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!token) return { ...base };
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    ...base,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${serverUrl.replace(/\/$/, '')}/.extraheader`,
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}
