import { describe, expect, it } from 'vitest';
import { InputError, parseAutoRollback, parseBoolean, parseCommand } from '../../src/action/inputs.js';

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
};

describe('action inputs', () => {
  it('accepts the commands of action.yml and names them all when given another', () => {
    expect(parseCommand('input command', 'drill')).toBe('drill');
    expect(parseCommand('input command', 'retry')).toBe('retry');
    expect(parseCommand('input command', 'pause')).toBe('pause');
    expect(message(() => parseCommand('input command', 'Reconcile'))).toBe(
      'input command: expected one of auto, validate, plan, reconcile, rollback, drill, pause, resume, retry; got "Reconcile"',
    );
  });

  it("reads audit-on-pr as a YAML core boolean, GitHub's empty string as the default", () => {
    expect(parseBoolean('input audit-on-pr', 'TRUE', false)).toBe(true);
    expect(parseBoolean('input audit-on-pr', 'False', true)).toBe(false);
    expect(parseBoolean('input audit-on-pr', '', false)).toBe(false);
    expect(message(() => parseBoolean('input audit-on-pr', 'yes', false))).toBe(
      'input audit-on-pr: expected true or false; got "yes"',
    );
  });

  it('reads auto-rollback as severities that roll back, or none; empty is critical', () => {
    expect([...parseAutoRollback('input auto-rollback', 'critical, high')]).toEqual(['critical', 'high']);
    expect([...parseAutoRollback('input auto-rollback', '')]).toEqual(['critical']);
    expect([...parseAutoRollback('input auto-rollback', 'none')]).toEqual([]);
    for (const bad of ['severe', 'critical,medium', 'critical,'])
      expect(message(() => parseAutoRollback('input auto-rollback', bad))).toBe(
        `input auto-rollback: expected a comma-separated list of critical, high (the severities that roll back), or none; got ${JSON.stringify(bad)}`,
      );
  });
});
