import { reliabilityTestConfig } from '../../vitest.shared.ts';

/** The reliability group (hostile HTTP corpus): `npx nx run server:reliability`, run by .ci/run. */
export default reliabilityTestConfig(300_000);
