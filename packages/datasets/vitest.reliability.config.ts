import { reliabilityTestConfig } from '../../vitest.shared.ts';

/** The reliability group (damaged-file corpus): `npx nx run datasets:reliability`, run by .ci/run. */
export default reliabilityTestConfig(300_000);
