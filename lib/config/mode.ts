/**
 * Suite modes. Every notebook reads `SUITE_MODE` once, in its config cell, and picks its sizes
 * from a table keyed by mode, so smoke (CI), standard (the real experiment) and full (paper scale)
 * run the same code.
 *
 * @example
 * ```ts
 * import { byMode } from "./mode.ts";
 * const epochs = byMode({ smoke: 1, standard: 10, full: 100 }, "smoke"); // 1
 * ```
 * @module
 */
import { env } from "./env.ts";
import { validateKnobs } from "./knobs.ts";

/** The valid values of `SUITE_MODE`. */
export const MODES = ["smoke", "standard", "full"] as const;
/** One of {@link MODES}. */
export type SuiteMode = typeof MODES[number];

/**
 * The suite mode: the argument, else `$SUITE_MODE`, else "standard".
 * Throws an Error naming SUITE_MODE, the bad value and the valid values.
 */
export function suiteMode(value: string | undefined = env("SUITE_MODE")): SuiteMode {
  const mode = (value ?? "").trim() || "standard";
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new Error(
      `SUITE_MODE="${value}" is not a valid mode. Valid values: ${MODES.join(", ")} ` +
        `(e.g. SUITE_MODE=smoke deno task run notebooks/01_rotation.ipynb).`,
    );
  }
  return mode as SuiteMode;
}

/** Picks the value for `mode` from a table with one entry per mode. */
export function byMode<T>(table: Record<SuiteMode, T>, mode: SuiteMode = suiteMode()): T {
  return table[mode];
}

/**
 * Applies `SUITE_OVERRIDES` (JSON object, e.g. `{"pretextEpochs": 2}`) to a config: only keys the
 * config already has, with a value of the same type. Anything else is a clear error.
 *
 * Every notebook's config cell calls it before reading data or training, so it first validates
 * every other knob too — `SUITE_MODE`, `SUITE_WORKERS`, `BACKEND`, `SUITE_THREADS`, `SUITE_CACHE`
 * and `RESULTS_DIR` (see `validateKnobs` in lib/config/knobs.ts) — and a bad value stops the run
 * there, with a message naming the variable.
 */
export function applyOverrides<T extends Record<string, unknown>>(
  config: T,
  overrides: string | undefined = env("SUITE_OVERRIDES"),
): T {
  suiteMode();
  validateKnobs();
  if (!overrides || !overrides.trim()) return config;
  let parsed: unknown;
  try {
    parsed = JSON.parse(overrides);
  } catch (e) {
    throw new Error(
      `SUITE_OVERRIDES is not valid JSON (${(e as Error).message}). ` +
        `Give an object such as SUITE_OVERRIDES='{"pretextEpochs": 2}'.`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`SUITE_OVERRIDES must be a JSON object, got ${overrides}.`);
  }
  const out: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in config)) {
      throw new Error(
        `SUITE_OVERRIDES names "${key}", which is not a config key. Valid keys: ${
          Object.keys(config).join(", ")
        }.`,
      );
    }
    const want = Array.isArray(config[key]) ? "array" : typeof config[key];
    const got = Array.isArray(value) ? "array" : typeof value;
    if (want !== got) {
      throw new Error(
        `SUITE_OVERRIDES sets "${key}" to ${JSON.stringify(value)} (${got}); it must be a ${want}.`,
      );
    }
    out[key] = value;
  }
  return out as T;
}
