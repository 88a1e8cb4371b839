import { createHash } from 'node:crypto';

/** Buckets per 100 %: one bucket is 0.001 %, so a percent may have up to three decimals (2.5, 0.125). */
export const BUCKET_COUNT = 100_000;

/**
 * The stable bucket of `id` under `salt`, in [0, 100_000).
 *
 * SHA-256 of the UTF-8 bytes of `${salt}:${id}`; the first 6 bytes read as a big-endian unsigned integer (48 bits,
 * exact in a double) modulo 100,000. It is stable across runs, machines, Node versions and architectures because
 * every step is fixed by a standard: SHA-256 is FIPS 180-4 over bytes, the string-to-bytes step is UTF-8 (never the
 * platform's encoding), and the integer is read with an explicit byte order. No seed, no Math.random, no hashCode
 * of a runtime. The modulo bias of 2^48 mod 100,000 is below 1e-9 per bucket.
 * test/fixtures/cohorts/buckets.json (computed with Python's hashlib, not this code) pins the values.
 */
export function bucketOf(salt: string, id: string): number {
  const digest = createHash('sha256').update(`${salt}:${id}`, 'utf8').digest();
  return digest.readUIntBE(0, 6) % BUCKET_COUNT;
}

function checkPercent(percent: number): void {
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new RangeError(`cohort percent must be a number in [0, 100], got ${String(percent)}`);
  }
}

/**
 * Whether `id` is in the `percent` % cohort of `salt`: its bucket is below percent x 1000.
 * Nested by construction: the bucket does not depend on the percent, and the threshold grows with it, so an id in
 * p % is in every q % >= p with the same salt.
 */
export function inCohort(salt: string, id: string, percent: number): boolean {
  checkPercent(percent);
  return bucketOf(salt, id) < percent * 1000;
}
