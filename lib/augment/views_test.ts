import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import { createRng } from "../random.ts";
import {
  adjustBrightnessContrast,
  augmentView,
  cropResize,
  DEFAULT_VIEWS,
  eraseBox,
  flipHorizontal,
  gaussianBlur,
  gaussianKernel,
  gaussianNoise,
  randomErase,
  randomResizedCrop,
  withoutAugmentations,
} from "./views.ts";

const size = 6;
const ramp = Float32Array.from({ length: size * size }, (_, i) => (i % size) / (size - 1)); // 0..1 left→right
const image = Float32Array.from({ length: size * size }, (_, i) => ((i * 7) % 11) / 10);

Deno.test("cropResize(): the full box is the identity; a half box magnifies", () => {
  assertEquals(
    Array.from(cropResize(image, size, { x: 0, y: 0, width: size, height: size })),
    Array.from(image),
  );
  // the left half of a horizontal ramp, resized: still a ramp, from 0 to about half
  const left = cropResize(ramp, size, { x: 0, y: 0, width: size / 2, height: size });
  assertAlmostEquals(left[0], 0, 1e-6);
  assert(left[size - 1] < 0.5 && left[size - 1] > 0.3, `got ${left[size - 1]}`);
  for (let c = 1; c < size; c++) assert(left[c] >= left[c - 1], "monotone");
});

Deno.test("randomResizedCrop(): same seed, same crop; different seeds differ; values stay in range", () => {
  const a = randomResizedCrop(image, size, createRng(3));
  const b = randomResizedCrop(image, size, createRng(3));
  const c = randomResizedCrop(image, size, createRng(4));
  assertEquals(Array.from(a), Array.from(b));
  assert(Array.from(a).some((v, i) => v !== c[i]), "different seeds should differ");
  assert(a.every((v) => v >= 0 && v <= 1));
  assertEquals(a.length, size * size);
  // scale [1, 1] and ratio [1, 1] can only take the whole image
  assertEquals(
    Array.from(randomResizedCrop(image, size, createRng(1), { scale: [1, 1], ratio: [1, 1] })),
    Array.from(image),
  );
  assertThrows(
    () => randomResizedCrop(image, size, createRng(0), { scale: [0.5, 0.2] }),
    /scale must be \[min, max\]/,
  );
});

Deno.test("flipHorizontal(): mirrors rows, twice is the identity; the input is untouched", () => {
  const copy = Float32Array.from(image);
  const f = flipHorizontal(image, size);
  assertEquals(f[0], image[size - 1]);
  assertEquals(Array.from(flipHorizontal(f, size)), Array.from(image));
  assertEquals(Array.from(image), Array.from(copy));
});

Deno.test("adjustBrightnessContrast(): hand-computed on [0.2, 0.6]", () => {
  // mean 0.4; contrast 2 → [0, 0.8]; brightness 0.5 → [0, 0.4]
  const out = adjustBrightnessContrast([0.2, 0.6], 0.5, 2);
  assertAlmostEquals(out[0], 0, 1e-6);
  assertAlmostEquals(out[1], 0.4, 1e-6);
  // contrast 0 → the mean everywhere; identity at (1, 1)
  assertEquals(Array.from(adjustBrightnessContrast([0.2, 0.6], 1, 0)).map((v) => +v.toFixed(6)), [
    0.4,
    0.4,
  ]);
  assertThrows(() => adjustBrightnessContrast([0.5], -1, 1), /must be ≥ 0/);
});

Deno.test("gaussianBlur(): keeps a constant image and the total of an interior spike", () => {
  const flat = new Float32Array(size * size).fill(0.3);
  assert(gaussianBlur(flat, size, 1).every((v) => Math.abs(v - 0.3) < 1e-6));
  const k = gaussianKernel(0.8);
  assertAlmostEquals(k.reduce((s, v) => s + v, 0), 1, 1e-6);
  const spike = new Float32Array(9 * 9);
  spike[4 * 9 + 4] = 1;
  const blurred = gaussianBlur(spike, 9, 0.8);
  assertAlmostEquals(blurred.reduce((s, v) => s + v, 0), 1, 1e-5);
  assert(blurred[4 * 9 + 4] < 1 && blurred[4 * 9 + 5] > 0, "spread to the neighbours");
  assertThrows(() => gaussianBlur(spike, 9, 0), /sigma must be > 0/);
});

Deno.test("gaussianNoise(): seeded, zero std is the identity, clipped to 0..1", () => {
  assertEquals(Array.from(gaussianNoise(image, 0, createRng(0))), Array.from(image));
  const a = gaussianNoise(image, 0.5, createRng(2));
  assertEquals(Array.from(a), Array.from(gaussianNoise(image, 0.5, createRng(2))));
  assert(a.every((v) => v >= 0 && v <= 1));
});

Deno.test("eraseBox() / randomErase(): the box becomes 0, the rest is unchanged", () => {
  const ones = new Float32Array(size * size).fill(1);
  const e = eraseBox(ones, size, { x: 1, y: 2, width: 2, height: 3 });
  assertEquals(e.reduce((s, v) => s + v, 0), size * size - 6);
  assertEquals(e[2 * size + 1], 0);
  assertEquals(e[0], 1);
  const r = randomErase(ones, size, createRng(5), { scale: [0.2, 0.2] });
  const erased = r.filter((v) => v === 0).length;
  assert(erased > 0 && erased < size * size, `erased ${erased}`);
});

Deno.test("augmentView(): reproducible, differs between draws, no augmentation = identity", () => {
  const a = augmentView(image, size, createRng(9));
  assertEquals(Array.from(a), Array.from(augmentView(image, size, createRng(9))));
  const rng = createRng(9);
  const first = augmentView(image, size, rng);
  const second = augmentView(image, size, rng);
  assert(Array.from(first).some((v, i) => v !== second[i]), "two views of one image differ");
  const none = withoutAugmentations(DEFAULT_VIEWS, [
    "crop",
    "flip",
    "color",
    "blur",
    "noise",
    "erase",
  ]);
  assertEquals(Array.from(augmentView(image, size, createRng(1), none)), Array.from(image));
  assertThrows(
    () => withoutAugmentations(DEFAULT_VIEWS, ["colour"]),
    /unknown augmentation "colour"/,
  );
  assertThrows(() => augmentView(new Float32Array(10), size, createRng(0)), /expected a 6×6 image/);
});
