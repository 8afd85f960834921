export { initBackend, currentBackend, gemmInUse, type BackendName, type GemmChoice } from './backend.ts';
export { BACKEND_NAMES, BACKEND_CHOICES, type BackendChoice } from './backend-names.ts';
export { registerWasmGradientKernels } from './wasm-kernels.ts';
export {
  FcnHyperparametersSchema,
  KimHyperparametersSchema,
  type FcnHyperparameters,
  type KimHyperparameters,
  type EpochRecord,
  type TrainOptions,
} from './hyperparameters.ts';
export type { TrainResult } from './training-loop.ts';
export { trainFcn, type FcnData } from './fcn.ts';
export { FcnNet } from './fcn-net.ts';
export { trainKimCnn, buildKimCnn, type KimData } from './kim-cnn.ts';
