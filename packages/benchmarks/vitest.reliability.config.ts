import { reliabilityTestConfig } from '../../vitest.shared.ts';

/** The reliability group (kill -9 at random moments of a fake-trainer study): `npx nx run benchmarks:reliability`, run by .ci/run. */
export default reliabilityTestConfig(600_000);
