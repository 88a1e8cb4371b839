// `verify:` after a rollback (DESIGN §4 step 4): each check must pass, or the rollout is `failed` where it stands.
import { sampleCheck } from '../checks/sample.js';
import type { Sample } from '../checks/types.js';
import { checkEnv } from './check-env.js';
import type { PassScope } from './scope.js';

export async function verify(pass: PassScope): Promise<boolean> {
  const { manifest: m } = pass;
  const env = checkEnv(pass, pass.state.applied);
  const samples: Sample[] = [];
  for (const v of m.verify) samples.push(await sampleCheck(v.name, v, env, null));
  const failing = samples.filter((s) => s.outcome !== 'pass');
  const ok = failing.length === 0;
  await pass.commit(
    (s) => {
      s.status = ok ? 'rolled-back' : 'failed';
      s.step = null;
      s.rollbackTo = null;
      s.failure = ok
        ? null
        : {
            phase: s.applied,
            reason: `verify failed: ${failing.map((f) => `${f.check} ${f.outcome}`).join(', ')}`,
            at: pass.now().toISOString(),
          };
    },
    [
      ...samples.map((sample) => pass.entry({ kind: 'verify', result: sample })),
      pass.entry({
        kind: 'transition',
        result: { status: ok ? 'rolled-back' : 'failed', applied: pass.state.applied },
      }),
    ],
    ok ? 'rolled back and verified' : 'verify failed',
  );
  for (const s of samples)
    pass.info(`  verify ${s.check}: ${s.outcome}${s.reason || s.error ? ` — ${s.reason ?? s.error}` : ''}`);
  const applied = pass.state.applied;
  await pass.announce(
    'rollback-done',
    ok
      ? `:white_check_mark: ${m.name}: rolled back to ${applied}; verify passed`
      : `:x: ${m.name}: rolled back to ${applied}; verify FAILED: ${failing.map((f) => f.check).join(', ')}`,
  );
  await pass.deps.events.rollbackDone?.({ manifest: m, applied, ok, state: pass.state });
  return ok;
}
