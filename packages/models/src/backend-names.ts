/**
 * The tfjs backends initBackend knows, without importing tfjs (the study coordinator validates --backend with this
 * list before any worker loads tfjs).
 */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What --backend / initBackend accept: a backend name, or 'auto' (the first that initialises, in BACKEND_NAMES order). */
export const BACKEND_CHOICES = ['auto', ...BACKEND_NAMES] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export function isBackendChoice(name: string): name is BackendChoice {
  return (BACKEND_CHOICES as readonly string[]).includes(name);
}
