/**
 * Nx plugin: every package (a folder under packages/ with a project.json) gets the same three targets, so a
 * project.json only holds what is specific to that package (study CLIs, the native addon build, the server).
 *
 *   typecheck  tsc over the package's tsconfig.json (src, test, scripts, vitest.config.ts)
 *   test       vitest run (the package's vitest.config.ts)
 *   lint       eslint over the whole package folder (eslint.config.js at the root decides the rules)
 *   reliability  vitest with the package's vitest.reliability.config.ts, when it has one (npm run test:reliability)
 *
 * The per-package typecheck and lint are for work on one package. `npm run typecheck`, `npm run lint` and `npm test`
 * check the whole workspace as one program (the root tsconfig.json), which checks each file once instead of once per
 * package that imports it: tsc 94 -> 27 s of CPU, eslint 147 -> 60 s.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const inPackage = (projectRoot, command) => ({
  executor: 'nx:run-commands',
  options: { command, cwd: projectRoot },
});

export const createNodesV2 = [
  'packages/*/project.json',
  (projectFiles) =>
    projectFiles.map((file) => {
      const root = dirname(file);
      return [
        file,
        {
          projects: {
            [root]: {
              targets: {
                typecheck: {
                  ...inPackage(root, 'tsc -p tsconfig.json'),
                  cache: true,
                  inputs: ['default', '^default'],
                },
                test: { ...inPackage(root, 'vitest run'), cache: false },
                lint: {
                  ...inPackage(root, 'eslint .'),
                  cache: true,
                  inputs: ['default', '^default', '{workspaceRoot}/eslint.config.js'],
                },
                ...(existsSync(join(root, 'vitest.reliability.config.ts'))
                  ? {
                      reliability: {
                        ...inPackage(root, 'vitest run --config vitest.reliability.config.ts'),
                        cache: false,
                      },
                    }
                  : {}),
              },
            },
          },
        },
      ];
    }),
];
