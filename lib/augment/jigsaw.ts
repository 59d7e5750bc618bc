/**
 * Jigsaw puzzles on uint8 square images (Noroozi & Favaro 2016): cut an image into a grid of
 * tiles — each tile a random crop of its cell, so neighbouring tiles are separated by a gap of
 * random width and their edges cannot simply be matched — and choose the set of permutations the
 * network must tell apart, greedily, for maximal Hamming distance.
 *
 * Conventions: tiles are listed in row-major cell order; a permutation `perm` shuffles tiles so
 * that position `i` holds the original tile `perm[i]` ({@link permuteTiles}).
 * @module
 */
import { createRng, type Rng } from "../random.ts";

/** Options of {@link cutTiles}. */
export interface CutTilesOptions {
  /** Tiles per side (2 → 4 tiles, 3 → 9 tiles). */
  grid: number;
  /** Side of each square tile, at most the cell side floor(size / grid). */
  tileSize: number;
  /**
   * Draws each tile's offset inside its cell (uniform in 0..cell - tileSize per axis): the jitter
   * that makes the gap between neighbours random. Omitted: every tile is centred in its cell.
   */
  rng?: Rng;
}

/**
 * Cuts a `size`×`size` image (row-major) into `grid`² square tiles of `tileSize`, one per cell,
 * in row-major cell order.
 * @example
 * ```ts
 * import { cutTiles } from "./jigsaw.ts";
 * const image = Uint8Array.from({ length: 16 }, (_, i) => i); // 4×4
 * cutTiles(image, 4, { grid: 2, tileSize: 2 })[1]; // [2, 3, 6, 7]: the top-right cell
 * ```
 */
export function cutTiles(
  pixels: ArrayLike<number>,
  size: number,
  opts: CutTilesOptions,
): Uint8Array[] {
  const { grid, tileSize } = opts;
  if (pixels.length !== size * size) {
    throw new Error(
      `cutTiles(): expected ${size}×${size} = ${size * size} pixels, got ${pixels.length}.`,
    );
  }
  const cell = Math.floor(size / grid);
  if (!Number.isInteger(grid) || grid < 1 || !Number.isInteger(tileSize) || tileSize < 1) {
    throw new Error(`cutTiles(): grid (${grid}) and tileSize (${tileSize}) must be integers ≥ 1.`);
  }
  if (tileSize > cell) {
    throw new Error(
      `cutTiles(): tileSize ${tileSize} exceeds the cell side ${cell} (= floor(${size} / ${grid})); ` +
        `use tileSize ≤ ${cell}.`,
    );
  }
  const slack = cell - tileSize;
  const tiles: Uint8Array[] = [];
  for (let gr = 0; gr < grid; gr++) {
    for (let gc = 0; gc < grid; gc++) {
      const dr = opts.rng ? opts.rng.int(slack + 1) : Math.floor(slack / 2);
      const dc = opts.rng ? opts.rng.int(slack + 1) : Math.floor(slack / 2);
      const top = gr * cell + dr, left = gc * cell + dc;
      const tile = new Uint8Array(tileSize * tileSize);
      for (let r = 0; r < tileSize; r++) {
        for (let c = 0; c < tileSize; c++) {
          tile[r * tileSize + c] = pixels[(top + r) * size + left + c];
        }
      }
      tiles.push(tile);
    }
  }
  return tiles;
}

/**
 * Lays `tiles` (row-major, `grid`² square tiles of equal size) out as one image with `gap` pixels
 * of `background` between them: for pictures of puzzles, and the inverse of {@link cutTiles} when
 * the tiles fill their cells (`gap` 0). Returns the image and its side.
 */
export function assembleTiles(
  tiles: readonly ArrayLike<number>[],
  opts: { grid: number; gap?: number; background?: number },
): { pixels: Uint8Array; size: number } {
  const { grid } = opts;
  const gap = opts.gap ?? 0;
  if (tiles.length !== grid * grid) {
    throw new Error(
      `assembleTiles(): a ${grid}×${grid} grid needs ${grid * grid} tiles, got ${tiles.length}.`,
    );
  }
  const tileSize = Math.round(Math.sqrt(tiles[0].length));
  const size = grid * tileSize + (grid - 1) * gap;
  const pixels = new Uint8Array(size * size).fill(opts.background ?? 0);
  tiles.forEach((tile, i) => {
    if (tile.length !== tileSize * tileSize) {
      throw new Error(
        `assembleTiles(): tile ${i} has ${tile.length} pixels, expected ${tileSize ** 2}.`,
      );
    }
    const top = Math.floor(i / grid) * (tileSize + gap), left = (i % grid) * (tileSize + gap);
    for (let r = 0; r < tileSize; r++) {
      for (let c = 0; c < tileSize; c++) {
        pixels[(top + r) * size + left + c] = tile[r * tileSize + c];
      }
    }
  });
  return { pixels, size };
}

/** Position `i` of the result holds `tiles[perm[i]]`. */
export function permuteTiles<T>(tiles: readonly T[], perm: readonly number[]): T[] {
  if (perm.length !== tiles.length) {
    throw new Error(`permuteTiles(): ${tiles.length} tiles but a permutation of ${perm.length}.`);
  }
  return perm.map((p) => tiles[p]);
}

/** Puts shuffled tiles back: the inverse of {@link permuteTiles} with the same `perm`. */
export function unpermuteTiles<T>(shuffled: readonly T[], perm: readonly number[]): T[] {
  const out = new Array<T>(shuffled.length);
  perm.forEach((p, i) => (out[p] = shuffled[i]));
  return out;
}

/** Number of positions where two permutations differ. */
export function hammingDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
  return d;
}

/** The smallest Hamming distance between two members of `perms` (Infinity for fewer than 2). */
export function minPairwiseHamming(perms: readonly ArrayLike<number>[]): number {
  let min = Infinity;
  for (let i = 0; i < perms.length; i++) {
    for (let j = i + 1; j < perms.length; j++) {
      min = Math.min(min, hammingDistance(perms[i], perms[j]));
    }
  }
  return min;
}

function allPermutations(n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const current = Uint8Array.from({ length: n }, (_, i) => i);
  const visit = (k: number): void => { // Heap's algorithm would be faster; n ≤ 9 is small
    if (k === n) {
      out.push(current.slice());
      return;
    }
    for (let i = k; i < n; i++) {
      [current[k], current[i]] = [current[i], current[k]];
      visit(k + 1);
      [current[k], current[i]] = [current[i], current[k]];
    }
  };
  visit(0);
  return out;
}

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/**
 * Chooses `count` permutations of `tiles` elements far apart in Hamming distance, greedily: the
 * first at random (seeded), then repeatedly the permutation whose *minimum* distance to those
 * already chosen is largest, ties broken by the larger *mean* distance (the paper's Algorithm 1
 * criterion), then at random. The paper maximises the mean alone; the max-min rule first makes
 * the closest pair — the pair the network confuses most easily — as far apart as greedy allows.
 * @example
 * ```ts
 * import { maxHammingPermutations, minPairwiseHamming } from "./jigsaw.ts";
 * const perms = maxHammingPermutations(4, { tiles: 4, seed: 0 });
 * minPairwiseHamming(perms); // 4: every pair differs in all positions
 * ```
 */
export function maxHammingPermutations(
  count: number,
  opts: { tiles: number; seed: number },
): number[][] {
  const { tiles } = opts;
  if (!Number.isInteger(tiles) || tiles < 2 || tiles > 9) {
    throw new Error(`maxHammingPermutations(): tiles must be an integer in 2..9, got ${tiles}.`);
  }
  const total = factorial(tiles);
  if (!Number.isInteger(count) || count < 1 || count > total) {
    throw new Error(
      `maxHammingPermutations(): count must be an integer in 1..${total} (= ${tiles}!), got ${count}.`,
    );
  }
  const candidates = allPermutations(tiles);
  const rng = createRng(opts.seed);
  const minDist = new Float64Array(total).fill(Infinity);
  const sumDist = new Float64Array(total);
  const taken = new Uint8Array(total);
  const chosen: number[][] = [];
  let pick = rng.int(total);
  for (let k = 0; k < count; k++) {
    taken[pick] = 1;
    chosen.push(Array.from(candidates[pick]));
    if (k === count - 1) break;
    let best = -1, bestMin = -1, bestSum = -1, ties = 0;
    for (let i = 0; i < total; i++) {
      if (taken[i]) continue;
      const d = hammingDistance(candidates[i], candidates[pick]);
      if (d < minDist[i]) minDist[i] = d;
      sumDist[i] += d;
      if (minDist[i] > bestMin || (minDist[i] === bestMin && sumDist[i] > bestSum)) {
        best = i, bestMin = minDist[i], bestSum = sumDist[i], ties = 1;
      } else if (minDist[i] === bestMin && sumDist[i] === bestSum && rng.int(++ties) === 0) {
        best = i; // reservoir sampling: a uniform choice among the tied best
      }
    }
    pick = best;
  }
  return chosen;
}
