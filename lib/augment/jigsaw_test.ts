import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { createRng } from "../random.ts";
import {
  assembleTiles,
  cutTiles,
  hammingDistance,
  maxHammingPermutations,
  minPairwiseHamming,
  permuteTiles,
  unpermuteTiles,
} from "./jigsaw.ts";

const image = Uint8Array.from({ length: 28 * 28 }, (_, i) => (i * 7) % 251);

Deno.test("cutTiles() then assembleTiles() gives the image back when tiles fill their cells", () => {
  for (const grid of [2, 4, 7]) {
    const tiles = cutTiles(image, 28, { grid, tileSize: 28 / grid });
    assertEquals(tiles.length, grid * grid);
    assertEquals(assembleTiles(tiles, { grid }).pixels, image);
  }
});

Deno.test("cutTiles() with jitter stays inside each cell and varies with the rng", () => {
  const rng = createRng(3);
  const seen = new Set<string>();
  for (let t = 0; t < 20; t++) {
    const tiles = cutTiles(image, 28, { grid: 2, tileSize: 12, rng });
    tiles.forEach((tile, cell) => {
      const gr = Math.floor(cell / 2), gc = cell % 2;
      // find the offset: the tile's first pixel must come from inside the cell's slack
      let found = false;
      for (let dr = 0; dr <= 2 && !found; dr++) {
        for (let dc = 0; dc <= 2 && !found; dc++) {
          const ref = cutTiles(image, 28, { grid: 2, tileSize: 14 })[cell];
          const crop = Uint8Array.from(
            { length: 144 },
            (_, i) => ref[(dr + Math.floor(i / 12)) * 14 + dc + (i % 12)],
          );
          if (crop.every((v, i) => v === tile[i])) {
            found = true;
            seen.add(`${gr}${gc}:${dr}${dc}`);
          }
        }
      }
      assert(found, `tile ${cell} is a 12×12 crop of its 14×14 cell`);
    });
  }
  assert(seen.size > 8, "offsets vary");
});

Deno.test("cutTiles() rejects a tile larger than its cell and a wrong pixel count", () => {
  assertThrows(
    () => cutTiles(image, 28, { grid: 3, tileSize: 10 }),
    /tileSize 10 exceeds the cell side 9/,
  );
  assertThrows(
    () => cutTiles(image.subarray(1), 28, { grid: 2, tileSize: 14 }),
    /784 pixels, got 783/,
  );
});

Deno.test("assembleTiles() puts `gap` background pixels between tiles", () => {
  const tiles = [1, 2, 3, 4].map((v) => new Uint8Array(4).fill(v)); // 2×2 tiles
  const { pixels, size } = assembleTiles(tiles, { grid: 2, gap: 1, background: 9 });
  assertEquals(size, 5);
  assertEquals(Array.from(pixels.subarray(0, 5)), [1, 1, 9, 2, 2]);
  assertEquals(Array.from(pixels.subarray(10, 15)), [9, 9, 9, 9, 9]);
  assertEquals(Array.from(pixels.subarray(20, 25)), [3, 3, 9, 4, 4]);
});

Deno.test("permuteTiles() and unpermuteTiles() are inverse", () => {
  const tiles = ["a", "b", "c", "d"];
  const perm = [2, 0, 3, 1];
  assertEquals(permuteTiles(tiles, perm), ["c", "a", "d", "b"]);
  assertEquals(unpermuteTiles(permuteTiles(tiles, perm), perm), tiles);
});

Deno.test("maxHammingPermutations() returns distinct valid permutations, seeded", () => {
  const perms = maxHammingPermutations(30, { tiles: 5, seed: 1 });
  assertEquals(perms.length, 30);
  assertEquals(new Set(perms.map((p) => p.join())).size, 30);
  for (const p of perms) assertEquals([...p].sort(), [0, 1, 2, 3, 4]);
  assertEquals(maxHammingPermutations(30, { tiles: 5, seed: 1 }), perms);
  assert(maxHammingPermutations(30, { tiles: 5, seed: 2 }).join() !== perms.join());
});

Deno.test("maxHammingPermutations() keeps the minimum Hamming distance large", () => {
  // 4 tiles: 4 permutations can differ everywhere (the rows of a Latin square).
  assertEquals(minPairwiseHamming(maxHammingPermutations(4, { tiles: 4, seed: 0 })), 4);
  // all 24: two permutations differing by one swap are both in → 2.
  assertEquals(minPairwiseHamming(maxHammingPermutations(24, { tiles: 4, seed: 0 })), 2);
  // 9 tiles, 100 permutations (the paper's 3×3 setting at a small set size): far apart.
  const nine = maxHammingPermutations(100, { tiles: 9, seed: 0 });
  assert(minPairwiseHamming(nine) >= 6, `min distance ${minPairwiseHamming(nine)}`);
  // the greedy choice beats random permutations on the minimum distance
  const rng = createRng(0);
  const random = Array.from({ length: 100 }, () => rng.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8]));
  assert(minPairwiseHamming(nine) > minPairwiseHamming(random));
});

Deno.test("maxHammingPermutations() rejects more permutations than exist", () => {
  assertThrows(() => maxHammingPermutations(25, { tiles: 4, seed: 0 }), /1\.\.24 \(= 4!\), got 25/);
});

Deno.test("hammingDistance() counts differing positions", () => {
  assertEquals(hammingDistance([0, 1, 2, 3], [0, 2, 1, 3]), 2);
  assertEquals(minPairwiseHamming([[0, 1]]), Infinity);
});
