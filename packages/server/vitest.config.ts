import { packageTestConfig } from '../../vitest.shared.ts';

const config = packageTestConfig();
/** replicas.test.ts needs a PostgreSQL server: it runs in vitest.postgres.config.ts's suite (server:test runs both). */
export default { ...config, test: { ...config.test, exclude: ['**/node_modules/**', 'src/replicas.test.ts'] } };
