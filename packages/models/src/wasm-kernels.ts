/**
 * Gradient kernels the tfjs wasm backend lacks (or runs slowly), so that Wang's FCN and Kim's CNN can train on it.
 *
 * - Conv2DBackpropFilter (missing in tfjs-backend-wasm 4.22; conv1d's filter gradient goes through it):
 *   for stride 1 / dilation 1 the filter gradient dW[i,j,c,o] = sum_{b,h,w} x[b,h+i-top,w+j-left,c] * dy[b,h,w,o]
 *   is itself a convolution: treat the channels of x as a batch ([C,H,W,B]) and dy as a filter ([Ho,Wo,B,O]);
 *   one forward Conv2D on the backend (XNNPACK GEMM) yields [C,fh,fw,O], which is transposed to [fh,fw,C,O].
 * - Conv2DBackpropInput (shipped, but a naive loop): for stride 1 / dilation 1 the input gradient is the forward
 *   convolution of dy with the spatially flipped filter whose in/out channels are swapped, padded by
 *   (f - 1 - pad) on the leading side, again on XNNPACK. Other strides fall back to the shipped kernel.
 * - UnsortedSegmentSum (missing; the embedding/gather gradient needs it): a plain accumulation loop on the heap.
 * - Tile and GatherV2 (shipped, but element-wise loops): contiguous row copies.
 *
 * - The matrix products behind Conv2D, Conv2DBackpropFilter and Conv2DBackpropInput run on XNNPACK (BatchMatMul), or
 *   on the optional native GEMM addon when backend.ts installs it with setNativeGemm (OpenBLAS or another optimised
 *   CBLAS, reading and writing the heap in place; about half the epoch time of XNNPACK's wasm SIMD GEMM here).
 *
 * Kernels compose the backend's own registered kernels (getKernel(...).kernelFunc), and the small layout changes are
 * tight Float32Array loops over the wasm heap. Every intermediate is released with backend.disposeData.
 */
import type { NativeBlas } from '@paretobench/blas';
import {
  backend_util,
  getKernel,
  registerKernel,
  unregisterKernel,
  util,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const BACKEND = 'wasm';

type Conv2DBackpropAttrs = {
  strides: [number, number] | number;
  pad: backend_util.ExplicitPadding | 'valid' | 'same' | number;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

function heapF32(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

function heapI32(backend: BackendWasm, t: TensorInfo): Int32Array {
  const a = backend.typedArrayFromHeap(t);
  if (a instanceof Int32Array) return a;
  return Int32Array.from(a as Float32Array);
}

function forwardConv2D(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  pad: [[number, number], [number, number], [number, number], [number, number]],
): TensorInfo {
  const conv = getKernel('Conv2D', BACKEND);
  if (!conv) throw new Error('wasm backend has no Conv2D kernel registered');
  const attrs = { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] } as unknown as NamedAttrMap;
  return conv.kernelFunc({ inputs: { x, filter }, attrs, backend }) as TensorInfo;
}

/**
 * An optional native single-precision GEMM (the @paretobench/blas addon on an optimised CBLAS) that the matrix
 * products below use instead of XNNPACK's wasm GEMM when set (see backend.ts). It reads and writes the wasm heap in
 * place through the Float32Array views. `core` / `coreFallback`: OpenBLAS's kernel family in use, and the generic one
 * it chose for a CPU model it does not know before the addon set OPENBLAS_CORETYPE ('' when it did not).
 */
export type NativeGemm = Pick<NativeBlas, 'sgemm' | 'library'> & Partial<Pick<NativeBlas, 'core' | 'coreFallback'>>;

let nativeGemm: NativeGemm | undefined;

/** Routes the wasm kernels' matrix products to `gemm` (undefined: back to XNNPACK). */
export function setNativeGemm(gemm: NativeGemm | undefined): void {
  nativeGemm = gemm;
}

/**
 * out[M, N] = op(a) @ b for row-major float32 tensors on the heap (op(a) = a, or a^T when transA, a then being
 * [K, M]). On the native GEMM when set; otherwise XNNPACK through the backend's BatchMatMul.
 */
function matMul2d(
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  M: number,
  K: number,
  N: number,
  transA = false,
): TensorInfo {
  const a2: TensorInfo = { dataId: a.dataId, shape: transA ? [K, M] : [M, K], dtype: 'float32' };
  const b2: TensorInfo = { dataId: b.dataId, shape: [K, N], dtype: 'float32' };
  if (nativeGemm) {
    const out = backend.makeOutput([M, N], 'float32');
    // Views are taken after the allocation: growing the wasm memory detaches earlier ones.
    nativeGemm.sgemm(transA, false, M, N, K, heapF32(backend, a2), heapF32(backend, b2), heapF32(backend, out));
    return out;
  }
  const matMul = getKernel('BatchMatMul', BACKEND);
  if (!matMul) throw new Error('wasm backend has no BatchMatMul kernel registered');
  return matMul.kernelFunc({
    inputs: { a: a2, b: b2 },
    attrs: { transposeA: transA, transposeB: false },
    backend,
  }) as TensorInfo;
}

/**
 * The patch matrix of a stride-1 convolution over width only (input [B, 1, W, C], filter width fw):
 * P[(b,w), (j,c)] = x[b, w+j-padLeft, c] (zero outside), [B * outWidth, fw * C], built with contiguous row copies.
 */
function patches1d(backend: BackendWasm, x: TensorInfo, fw: number, padLeft: number, outWidth: number): TensorInfo {
  const [B, , W, C] = x.shape;
  const KC = fw * C;
  const patches = backend.makeOutput([B * outWidth, KC], 'float32');
  const xs = heapF32(backend, x);
  const P = heapF32(backend, patches);
  for (let b = 0; b < B; b++)
    for (let w = 0; w < outWidth; w++) {
      const dst = (b * outWidth + w) * KC;
      const start = w - padLeft; // input column of tap 0
      const lo = Math.max(0, -start);
      const hi = Math.min(fw, W - start);
      if (hi <= lo) {
        P.fill(0, dst, dst + KC);
        continue;
      }
      if (lo > 0) P.fill(0, dst, dst + lo * C);
      const src = (b * W + start + lo) * C;
      P.set(xs.subarray(src, src + (hi - lo) * C), dst + lo * C);
      if (hi < fw) P.fill(0, dst + hi * C, dst + KC);
    }
  return patches;
}

/**
 * A stride-1 convolution over width only (input height 1, filter height 1: conv1d as tfjs runs it), computed as one
 * matrix product of the patch matrix (patches1d) with the filter viewed as [fw*C, O]. On XNNPACK's fully-connected
 * path this is ~1/3 faster than its convolution for these shapes. The filter must already be in [1, fw, C, O] layout.
 */
function conv1dByMatMul(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  padLeft: number,
  outWidth: number,
): TensorInfo {
  const [B, , , C] = x.shape;
  const [, fw, , O] = filter.shape;
  const patches = patches1d(backend, x, fw, padLeft, outWidth);
  const res = matMul2d(backend, patches, filter, B * outWidth, fw * C, O);
  backend.disposeData(patches.dataId);
  return { dataId: res.dataId, shape: [B, 1, outWidth, O], dtype: 'float32' };
}

/** Forward Conv2D: conv1d-shaped stride-1 cases go through conv1dByMatMul; everything else to the shipped kernel. */
function makeConv2D(shipped: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DBackpropAttrs & { dilations: [number, number] | number };
    const dil = attrs.dilations ?? 1;
    const unitDil = Array.isArray(dil) ? dil[0] === 1 && dil[1] === 1 : dil === 1;
    if (
      x.shape[1] === 1 &&
      filter.shape[0] === 1 &&
      isUnitStride(attrs.strides) &&
      unitDil &&
      attrs.dataFormat !== 'NCHW' &&
      x.dtype === 'float32'
    ) {
      const info = backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filter.shape as [number, number, number, number],
        attrs.strides,
        1,
        attrs.pad,
        attrs.dimRoundingMode,
      );
      if (info.outHeight === 1 && info.padInfo.top === 0)
        return conv1dByMatMul(backend, x, filter, info.padInfo.left, info.outWidth);
    }
    if (!shipped) throw new Error('Conv2D (wasm): no shipped kernel to fall back to');
    return shipped(args);
  };
}

function isUnitStride(strides: [number, number] | number): boolean {
  return Array.isArray(strides) ? strides[0] === 1 && strides[1] === 1 : strides === 1;
}

/** Filter gradient of a conv2d (NHWC). */
function conv2DBackpropFilter(args: {
  inputs: Record<string, TensorInfo>;
  attrs?: NamedAttrMap;
  backend: unknown;
}): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropAttrs & { filterShape: [number, number, number, number] };
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC data format is supported');
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [B, H, W, C] = x.shape;
  const [, Ho, Wo, O] = dy.shape;
  if (dy.dtype !== 'float32' || x.dtype !== 'float32') throw new Error('Conv2DBackpropFilter (wasm): float32 only');
  const fh = info.filterHeight;
  const fw = info.filterWidth;
  const top = info.padInfo.top;
  const left = info.padInfo.left;

  if (!isUnitStride(attrs.strides)) {
    // General strides: direct accumulation (rarely used; our models use stride 1).
    const sh = info.strideHeight;
    const sw = info.strideWidth;
    const out = backend.makeOutput([fh, fw, C, O], 'float32');
    const xs = heapF32(backend, x);
    const dys = heapF32(backend, dy);
    const o = heapF32(backend, out);
    o.fill(0);
    for (let b = 0; b < B; b++)
      for (let ho = 0; ho < Ho; ho++)
        for (let wo = 0; wo < Wo; wo++) {
          const dyBase = ((b * Ho + ho) * Wo + wo) * O;
          for (let i = 0; i < fh; i++) {
            const hi = ho * sh + i - top;
            if (hi < 0 || hi >= H) continue;
            for (let j = 0; j < fw; j++) {
              const wi = wo * sw + j - left;
              if (wi < 0 || wi >= W) continue;
              const xBase = ((b * H + hi) * W + wi) * C;
              for (let c = 0; c < C; c++) {
                const xv = xs[xBase + c];
                if (xv === 0) continue;
                const oBase = ((i * fw + j) * C + c) * O;
                for (let k = 0; k < O; k++) o[oBase + k] += xv * dys[dyBase + k];
              }
            }
          }
        }
    return out;
  }

  if (nativeGemm && H === 1 && fh === 1 && Ho === 1 && top === 0) {
    // conv1d: dW[(j,c), o] = P^T @ dy2d with P the forward patch matrix [(b,w), (j,c)]; no transpose of x needed.
    const patches = patches1d(backend, x, fw, left, Wo);
    const res = matMul2d(backend, patches, dy, fw * C, B * Wo, O, true);
    backend.disposeData(patches.dataId);
    return { dataId: res.dataId, shape: [fh, fw, C, O], dtype: 'float32' };
  }

  // Patch matrix P[(i,j,c), (b,h,w)] = x[b, h+i-top, w+j-left, c] (zero outside), built from xT[c,b,h,w];
  // then dW = P @ dy2d with dy2d = dy viewed as [(b,h,w), o]; the product is already in filter layout [fh,fw,C,O].
  const N = B * Ho * Wo;
  const KC = fh * fw * C;
  const xT = new Float32Array(C * B * H * W);
  {
    const xs = heapF32(backend, x);
    const HW = H * W;
    for (let b = 0; b < B; b++)
      for (let p = 0; p < HW; p++) {
        const src = (b * HW + p) * C;
        for (let c = 0; c < C; c++) xT[(c * B + b) * HW + p] = xs[src + c];
      }
  }
  const patches = backend.makeOutput([KC, N], 'float32');
  {
    const P = heapF32(backend, patches);
    for (let i = 0; i < fh; i++)
      for (let j = 0; j < fw; j++) {
        const w0 = Math.max(0, left - j); // first output column whose input column is inside
        const w1 = Math.min(Wo, W + left - j); // one past the last
        for (let c = 0; c < C; c++) {
          const rowBase = ((i * fw + j) * C + c) * N;
          for (let b = 0; b < B; b++)
            for (let h = 0; h < Ho; h++) {
              const dst = rowBase + (b * Ho + h) * Wo;
              const hi = h + i - top;
              if (hi < 0 || hi >= H || w1 <= w0) {
                P.fill(0, dst, dst + Wo);
                continue;
              }
              if (w0 > 0) P.fill(0, dst, dst + w0);
              const src = ((c * B + b) * H + hi) * W + (w0 + j - left);
              P.set(xT.subarray(src, src + (w1 - w0)), dst + w0);
              if (w1 < Wo) P.fill(0, dst + w1, dst + Wo);
            }
        }
      }
  }
  const res = matMul2d(backend, patches, dy, KC, N, O);
  backend.disposeData(patches.dataId);
  return { dataId: res.dataId, shape: [fh, fw, C, O], dtype: 'float32' };
}

/** Tile (the batch-norm gradient broadcasts with it; the shipped kernel is slow): contiguous row copies. */
function tile(args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap; backend: unknown }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: TensorInfo };
  const reps = (args.attrs as unknown as { reps: number[] }).reps;
  const r = x.shape.length;
  const outShape = x.shape.map((d, i) => d * reps[i]);
  if (x.dtype === 'string' || x.dtype === 'complex64') throw new Error(`Tile (wasm): unsupported dtype ${x.dtype}`);
  const out = backend.makeOutput(outShape, x.dtype);
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  if (r === 0) {
    dst.set(src);
    return out;
  }
  const inner = x.shape[r - 1];
  const innerReps = reps[r - 1];
  const outInner = inner * innerReps;
  const rows = util.sizeFromShape(outShape.slice(0, -1));
  const xStrides = new Array<number>(r).fill(0);
  for (let d = r - 2, s = inner; d >= 0; d--) {
    xStrides[d] = s;
    s *= x.shape[d];
  }
  const coord = new Array(Math.max(0, r - 1)).fill(0);
  for (let row = 0; row < rows; row++) {
    let srcRow = 0;
    for (let d = 0; d < r - 1; d++) srcRow += (coord[d] % x.shape[d]) * xStrides[d];
    const seg = src.subarray(srcRow, srcRow + inner);
    const base = row * outInner;
    for (let k = 0; k < innerReps; k++) dst.set(seg, base + k * inner);
    for (let d = r - 2; d >= 0; d--) {
      if (++coord[d] < outShape[d]) break;
      coord[d] = 0;
    }
  }
  return out;
}

/** Input gradient of a conv2d (NHWC), stride 1 via a forward convolution; other strides use the shipped kernel. */
function makeConv2DBackpropInput(shipped: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DBackpropAttrs & { inputShape: [number, number, number, number] };
    if (!isUnitStride(attrs.strides) || attrs.dataFormat === 'NCHW') {
      if (!shipped) throw new Error('Conv2DBackpropInput (wasm): only stride 1 NHWC is supported');
      return shipped(args);
    }
    const info = backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const [, H, W] = attrs.inputShape;
    const [, Ho, Wo] = dy.shape;
    const [fh, fw, C, O] = filter.shape;
    // flipped[i,j,o,c] = filter[fh-1-i, fw-1-j, c, o]
    const flipped = backend.makeOutput([fh, fw, O, C], 'float32');
    {
      const f = heapF32(backend, filter);
      const g = heapF32(backend, flipped);
      for (let i = 0; i < fh; i++)
        for (let j = 0; j < fw; j++) {
          const srcBase = ((fh - 1 - i) * fw + (fw - 1 - j)) * C * O;
          const dstBase = (i * fw + j) * O * C;
          for (let c = 0; c < C; c++) {
            const s = srcBase + c * O;
            for (let o = 0; o < O; o++) g[dstBase + o * C + c] = f[s + o];
          }
        }
    }
    const top = fh - 1 - info.padInfo.top;
    const left = fw - 1 - info.padInfo.left;
    const bottom = H - Ho + fh - 1 - top;
    const right = W - Wo + fw - 1 - left;
    if (top < 0 || left < 0 || bottom < 0 || right < 0) {
      backend.disposeData(flipped.dataId);
      if (!shipped) throw new Error('Conv2DBackpropInput (wasm): unsupported padding');
      return shipped(args);
    }
    const res =
      fh === 1 && H === 1 && Ho === 1
        ? conv1dByMatMul(backend, dy, flipped, left, W)
        : forwardConv2D(backend, dy, flipped, [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ]);
    backend.disposeData(flipped.dataId);
    return res;
  };
}

/** UnsortedSegmentSum: out[s, ...] = sum over i with ids[i] = s of x[i, ...]; ids outside [0, numSegments) are dropped. */
function unsortedSegmentSum(args: {
  inputs: Record<string, TensorInfo>;
  attrs?: NamedAttrMap;
  backend: unknown;
}): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (args.attrs as unknown as { numSegments: number }).numSegments;
  const idCount = util.sizeFromShape(segmentIds.shape);
  const inner = util.sizeFromShape(x.shape.slice(segmentIds.shape.length));
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  if (x.dtype !== 'float32' && x.dtype !== 'int32')
    throw new Error(`UnsortedSegmentSum (wasm): unsupported dtype ${x.dtype}`);
  const out = backend.makeOutput(outShape, x.dtype);
  const ids = heapI32(backend, segmentIds);
  const xs = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const o = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  o.fill(0);
  for (let i = 0; i < idCount; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let k = 0; k < inner; k++) o[dst + k] += xs[src + k];
  }
  return out;
}

/**
 * GatherV2 along axis 0 without batch dims (the embedding lookup): whole-row copies on the heap. The shipped kernel
 * walks element by element and dominated Kim CNN steps; other axes fall back to it.
 */
function makeGatherV2(shipped: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    const ax = axis < 0 ? axis + x.shape.length : axis;
    if (ax !== 0 || (batchDims ?? 0) !== 0 || x.dtype !== 'float32' || x.shape.length < 1) {
      if (!shipped) throw new Error('GatherV2 (wasm): unsupported arguments');
      return shipped(args);
    }
    const rows = x.shape[0];
    const row = util.sizeFromShape(x.shape.slice(1));
    const n = util.sizeFromShape(indices.shape);
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], 'float32');
    const ids = heapI32(backend, indices);
    const src = heapF32(backend, x);
    const dst = heapF32(backend, out);
    for (let i = 0; i < n; i++) {
      const r = ids[i];
      if (!(r >= 0 && r < rows)) {
        backend.disposeData(out.dataId);
        throw new Error(`GatherV2: the index value ${r} is not in [0, ${rows - 1}]`);
      }
      dst.set(src.subarray(r * row, (r + 1) * row), i * row);
    }
    return out;
  };
}

let registered = false;

/** Registers (once) our gradient kernels for the 'wasm' backend. Safe to call repeatedly. */
export function registerWasmGradientKernels(): void {
  if (registered) return;
  const shippedInput = getKernel('Conv2DBackpropInput', BACKEND);
  const shippedGather = getKernel('GatherV2', BACKEND);
  const shippedConv = getKernel('Conv2D', BACKEND);
  const configs: KernelConfig[] = [
    { kernelName: 'Conv2DBackpropFilter', backendName: BACKEND, kernelFunc: conv2DBackpropFilter as KernelFunc },
    {
      kernelName: 'Conv2DBackpropInput',
      backendName: BACKEND,
      kernelFunc: makeConv2DBackpropInput(shippedInput?.kernelFunc),
    },
    { kernelName: 'UnsortedSegmentSum', backendName: BACKEND, kernelFunc: unsortedSegmentSum as KernelFunc },
    { kernelName: 'Conv2D', backendName: BACKEND, kernelFunc: makeConv2D(shippedConv?.kernelFunc) },
    { kernelName: 'Tile', backendName: BACKEND, kernelFunc: tile as KernelFunc },
    { kernelName: 'GatherV2', backendName: BACKEND, kernelFunc: makeGatherV2(shippedGather?.kernelFunc) },
  ];
  for (const c of configs) {
    if (getKernel(c.kernelName, BACKEND)) unregisterKernel(c.kernelName, BACKEND);
    registerKernel(c);
  }
  registered = true;
}
