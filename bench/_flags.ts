/**
 * Command-line flags of the benchmark scripts: `--name value`, with a fallback when absent.
 * @module
 */

/** The value after `name` in `args`, or `fallback`. */
export function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

/** {@link flag} as an integer. */
export function intFlag(args: string[], name: string, fallback: number): number {
  return Number.parseInt(flag(args, name, String(fallback)), 10);
}
