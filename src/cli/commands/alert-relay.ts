import { Option } from 'commander';
import { startAlertRelay } from '../alert-relay.js';
import { defineCommand } from '../command.js';
import { EXIT, UsageError } from '../errors.js';
import packageJson from '../../../package.json' with { type: 'json' };

interface RelayFlags {
  port: string;
  host: string;
  repo?: string;
  apiUrl: string;
  tokenEnv: string;
  secretEnv: string;
}

const REPO = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;

export const alertRelayCommand = defineCommand<RelayFlags>({
  name: 'alert-relay',
  summary: 'Alertmanager webhook -> repository_dispatch rollouts-alert: gates fail at once',
  examples: [
    'GITHUB_TOKEN=… ROLLOUTS_RELAY_SECRET=… rollouts alert-relay --repo acme/deploys --port 9095',
    'rollouts alert-relay --repo acme/deploys --host 0.0.0.0 --token-env RELAY_GITHUB_TOKEN   # in a cluster',
  ],
  configure: (cmd) =>
    cmd
      .addOption(new Option('--repo <owner/name>', 'the repository whose workflow handles rollouts-alert'))
      .addOption(new Option('--port <port>', 'listen on this port (0: any free one)').default('9095'))
      .addOption(new Option('--host <host>', 'listen on this address').default('127.0.0.1'))
      .addOption(new Option('--api-url <url>', "GitHub's REST API").default('https://api.github.com'))
      .addOption(
        new Option('--token-env <name>', 'the variable with the GitHub token (contents: write)').default(
          'GITHUB_TOKEN',
        ),
      )
      .addOption(
        new Option(
          '--secret-env <name>',
          'the variable with the secret Alertmanager sends (bearer or basic-auth password)',
        ).default('ROLLOUTS_RELAY_SECRET'),
      ),
  async run({ io, opts }) {
    if (!opts.repo || !REPO.test(opts.repo))
      throw new UsageError(`--repo must be owner/name, not ${opts.repo ?? '(unset)'}`);
    const port = Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${opts.port}: not a port`);
    try {
      new URL(opts.apiUrl);
    } catch {
      throw new UsageError(`--api-url ${opts.apiUrl}: not a URL`);
    }
    const token = io.env[opts.tokenEnv];
    if (!token) throw new UsageError(`$${opts.tokenEnv} is not set: the relay needs a GitHub token to dispatch with`);
    const secret = io.env[opts.secretEnv];
    if (!secret)
      throw new UsageError(`$${opts.secretEnv} is not set: the relay refuses webhooks without a shared secret`);
    const relay = await startAlertRelay({
      host: opts.host,
      port,
      repo: opts.repo,
      apiUrl: opts.apiUrl,
      token,
      secret,
      userAgent: `rollouts-alert-relay/${packageJson.version}`,
      log: (line) => io.out(line),
      logError: (line) => io.err(line),
    });
    io.out(`alert-relay: listening on ${relay.url}, relaying to ${opts.repo} via ${opts.apiUrl}`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      const stop = (s: NodeJS.Signals) => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(s);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await relay.close();
    io.out(`alert-relay: stopped (${signal})`);
    return EXIT.ok;
  },
});
