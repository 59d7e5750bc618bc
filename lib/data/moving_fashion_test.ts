import { assert, assertEquals, assertThrows } from "../_assert.ts";
import type { ImageSet } from "./fashion_mnist.ts";
import {
  clipFrames,
  directionBin,
  type MovingFashion,
  movingFashion,
  pathPositions,
} from "./moving_fashion.ts";

/** n 28×28 images: image k is a bright 2×2 square at its top-left corner, label k % 10. */
function squares(n: number): ImageSet {
  const images = new Uint8Array(n * 784);
  for (let k = 0; k < n; k++) {
    for (const p of [0, 1, 28, 29]) images[k * 784 + p] = 200 + k;
  }
  return {
    n,
    images,
    labels: Uint8Array.from({ length: n }, (_, k) => k % 10),
    height: 28,
    width: 28,
  };
}

Deno.test("directionBin: the eight directions in image coordinates (rows grow downwards)", () => {
  assertEquals(
    [[1, 0], [1, -1], [0, -1], [-1, -1], [-1, 0], [-1, 1], [0, 1], [1, 1]].map(([x, y]) =>
      directionBin(x, y)
    ),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  assertEquals(directionBin(1, 0.3), 0); // within 22.5° of "right"
});

Deno.test("pathPositions: a hand-made path moves, bounces at both borders, stays in the room", () => {
  const path = { image: 0, x: 1, y: 18, vx: -3, vy: 2 };
  assertEquals(pathPositions(path, 4, 20), [[1, 18], [2, 20], [5, 18], [8, 16]]);
  const fast = { image: 0, x: 10, y: 10, vx: 3.3, vy: -2.7 };
  for (const [x, y] of pathPositions(fast, 200, 20)) assert(x >= 0 && x <= 20 && y >= 0 && y <= 20);
});

Deno.test("movingFashion: shapes, labels from the main garment, deterministic per seed", () => {
  const source = squares(30);
  const set = movingFashion(source, { clips: 20, seed: 3, frames: 6, size: 40 });
  assertEquals([set.n, set.frames, set.size, set.paths.length], [20, 6, 40, 20]);
  assertEquals(clipFrames(set, 0).length, 6 * 40 * 40);
  for (let i = 0; i < set.n; i++) {
    const [main] = set.paths[i];
    assertEquals(set.garment[i], source.labels[main.image]);
    assertEquals(set.direction[i], directionBin(main.vx, main.vy));
  }
  const again = movingFashion(source, { clips: 20, seed: 3, frames: 6, size: 40 });
  assertEquals(again.paths, set.paths);
  assertEquals(clipFrames(again, 7), clipFrames(set, 7));
  assert(
    JSON.stringify(movingFashion(source, { clips: 20, seed: 4 }).paths) !==
      JSON.stringify(set.paths),
  );
  // the first clips do not depend on how many clips the set has
  assertEquals(
    movingFashion(source, { clips: 3, seed: 3, frames: 6, size: 40 }).paths,
    set.paths.slice(0, 3),
  );
});

Deno.test("clipFrames: the garment is drawn where its path says, whole, in every frame", () => {
  const source = squares(1);
  const set: MovingFashion = {
    ...movingFashion(source, { clips: 1, seed: 0, frames: 3, size: 40 }),
    paths: [[{ image: 0, x: 0.4, y: 3.6, vx: 2, vy: 1 }]],
  };
  const frames = clipFrames(set, 0);
  // corners at (0, 4), (2, 5) (rounded from 2.4, 4.6), (4, 6) (4.4, 5.6 → 4, 6)
  for (const [t, x, y] of [[0, 0, 4], [1, 2, 5], [2, 4, 6]]) {
    const at = (r: number, c: number) => frames[t * 1600 + r * 40 + c];
    assertEquals([at(y, x), at(y, x + 1), at(y + 1, x), at(y + 1, x + 1)], [200, 200, 200, 200]);
    assertEquals(frames.subarray(t * 1600, (t + 1) * 1600).filter((v) => v > 0).length, 4);
  }
});

Deno.test("two garments: both drawn, the brighter pixel where they overlap; labels from the first", () => {
  const source = squares(12);
  const set = movingFashion(source, { clips: 5, seed: 1, garments: 2 });
  for (let i = 0; i < 5; i++) {
    assertEquals(set.paths[i].length, 2);
    assertEquals(set.garment[i], source.labels[set.paths[i][0].image]);
  }
  const frames = clipFrames(set, 0);
  const lit = frames.subarray(0, 48 * 48).filter((v) => v > 0).length;
  assert(lit >= 4 && lit <= 8, `frame 0 lights ${lit} pixels`);
});

Deno.test("movingFashion refuses a canvas smaller than a garment, too few frames, a bad speed", () => {
  const source = squares(2);
  assertThrows(
    () => movingFashion(source, { clips: 1, seed: 0, size: 20 }),
    /size must be a whole number ≥ 28/,
  );
  assertThrows(() => movingFashion(source, { clips: 1, seed: 0, frames: 1 }), /frames must be/);
  assertThrows(() => movingFashion(source, { clips: 1, seed: 0, speed: [3, 30] }), /speed must be/);
  assertThrows(() => movingFashion(source, { clips: 0, seed: 0 }), /clips must be/);
});
