// What the action bundle gets for `undici` (scripts/build.mjs): the runner's Node 24 has fetch built in, so the
// bundle carries no second copy. @actions/github and @actions/http-client import two names from undici: `fetch`
// (here Node's own) and `ProxyAgent`, which they build only when HTTP(S)_PROXY is set for the job. Node's fetch then
// goes through that proxy itself when the job also sets NODE_USE_ENV_PROXY=1 (Node 24), so the agent here is a
// marker that fetch drops rather than a second HTTP stack.
export class ProxyAgent {
  constructor(options) {
    this.options = options;
  }
}

export function fetch(url, init = {}) {
  if (init.dispatcher instanceof ProxyAgent) {
    const { dispatcher: _proxy, ...rest } = init;
    return globalThis.fetch(url, rest);
  }
  return globalThis.fetch(url, init);
}
