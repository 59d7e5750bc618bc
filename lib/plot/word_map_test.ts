import { assert, assertEquals } from "../_assert.ts";
import { createRng } from "../random.ts";
import { renderSvg } from "./render.ts";
import {
  boxesOverlap,
  EDGE_SLACK,
  type LabelAt,
  type LabelBox,
  labelBox,
  pixelPositions,
  placeLabels,
  POINT_RADIUS,
  wordMap,
  type WordPoint,
} from "./word_map.ts";

type Datum = WordPoint & { labelled: boolean; labelAt: LabelAt };

/** A dense cluster of 200 words around the centre and a dozen scattered ones, first = centre. */
function denseMap(seed = 0): WordPoint[] {
  const rng = createRng(seed);
  const groups = ["mail", "novel", "speech"];
  return Array.from({ length: 212 }, (_, i) => {
    const spread = i < 200 ? 0.05 : 1;
    return {
      x: i === 0 ? 0 : rng.normal() * spread,
      y: i === 0 ? 0 : rng.normal() * spread,
      word: `w${i}${"x".repeat(rng.int(8))}`,
      group: groups[i % 3],
    };
  });
}

function values(spec: Record<string, unknown>): Datum[] {
  return (spec.data as { values: Datum[] }).values;
}

/** The labelled points' boxes, recomputed from the spec's data and size. */
function drawnBoxes(spec: Record<string, unknown>): { i: number; box: LabelBox }[] {
  const data = values(spec);
  const size = { width: spec.width as number, height: spec.height as number };
  const px = pixelPositions(data, size);
  return data.flatMap((
    d,
    i,
  ) => (d.labelAt === null ? [] : [{ i, box: labelBox(px[i], d.word, d.labelAt) }]));
}

for (
  const [name, size] of [["default size", {}], ["small", { width: 300, height: 200 }]] as const
) {
  Deno.test(`wordMap() (${name}): no two labels overlap in a dense cluster`, () => {
    const points = denseMap();
    const spec = wordMap(points, size);
    const boxes = drawnBoxes(spec);
    assert(boxes.length > 10, `only ${boxes.length} labels`);
    assert(boxes.length < points.length, "a dense cluster cannot label every word");
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        assert(
          !boxesOverlap(boxes[a].box, boxes[b].box),
          `labels of points ${boxes[a].i} and ${boxes[b].i} overlap`,
        );
      }
    }
  });
}

Deno.test("wordMap(): the first word is always labelled, in the cluster or at a corner", () => {
  for (let seed = 0; seed < 5; seed++) {
    const points = denseMap(seed);
    assert(values(wordMap(points))[0].labelled, `seed ${seed}: centre word`);
    // A long first word in the top-right corner of a tiny plot: no spot fits inside.
    const corner = [{ x: 1, y: 1, word: "averyveryverylongword", group: "g" }, ...points];
    const data = values(wordMap(corner, { width: 60, height: 40 }));
    assert(data[0].labelled && data[0].labelAt !== null, `seed ${seed}: corner word`);
  }
});

Deno.test("wordMap(): every point is drawn, in order, `labelled` marking labelled ones", () => {
  const points = denseMap();
  const spec = wordMap(points, { title: "Dense" });
  const data = values(spec);
  assertEquals(data.map(({ x, y, word, group }) => ({ x, y, word, group })), points);
  for (const d of data) assertEquals(d.labelled, d.labelAt !== null);
  const layers = spec.layer as { mark: { type: string }; transform?: unknown }[];
  assertEquals(layers[0].mark.type, "circle");
  assertEquals(layers[0].transform, undefined, "the point layer draws every datum");
  assert(layers.slice(1).every((l) => l.mark.type === "text" && l.transform !== undefined));
  assertEquals(spec.title, "Dense");
  assertEquals(JSON.parse(JSON.stringify(spec)), spec);
});

Deno.test("wordMap(): labels stay in the plot and cover no other point", () => {
  const points = denseMap(1);
  const spec = wordMap(points);
  const px = pixelPositions(points, { width: 640, height: 480 });
  for (const { i, box } of drawnBoxes(spec)) {
    assert(box.x0 >= -EDGE_SLACK && box.x1 <= 640 + EDGE_SLACK, `label ${i} sticks out`);
    assert(box.y0 >= -EDGE_SLACK && box.y1 <= 480 + EDGE_SLACK, `label ${i} sticks out`);
    if (i === 0) continue; // the first word is labelled even where that covers a point
    px.forEach((p, j) => {
      const dot = {
        x0: p.x - POINT_RADIUS,
        y0: p.y - POINT_RADIUS,
        x1: p.x + POINT_RADIUS,
        y1: p.y + POINT_RADIUS,
      };
      assert(j === i || !boxesOverlap(box, dot), `label ${i} covers point ${j}`);
    });
  }
});

Deno.test("wordMap(): a sparse map labels every word; degenerate extents map to the middle", () => {
  const grid = Array.from({ length: 9 }, (_, i) => ({
    x: i % 3,
    y: Math.floor(i / 3),
    word: `word${i}`,
    group: "g",
  }));
  assert(values(wordMap(grid)).every((d) => d.labelled));
  assertEquals(placeLabels([{ x: 5, y: 5, word: "one", group: "g" }], { width: 100, height: 80 }), [
    "right",
  ]);
  assertEquals(pixelPositions([{ x: 5, y: 5 }], { width: 100, height: 80 }), [{ x: 50, y: 40 }]);
  assertEquals(values(wordMap([])), []);
});

Deno.test("wordMap() renders the text of the labelled words only", async () => {
  const points = denseMap(2).slice(0, 120);
  const spec = wordMap(points, { width: 320, height: 240 });
  const svg = await renderSvg(spec);
  const texts = new Set([...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]));
  for (const d of values(spec)) {
    assertEquals(texts.has(d.word), d.labelled, `text of "${d.word}"`);
  }
});

Deno.test("labelBox(): each placement sits on its side of the point, gap included", () => {
  const p = { x: 100, y: 50 };
  const r = labelBox(p, "abcd", "right");
  const l = labelBox(p, "abcd", "left");
  const a = labelBox(p, "abcd", "above");
  const b = labelBox(p, "abcd", "below");
  assert(r.x0 > p.x && l.x1 < p.x && a.y1 < p.y && b.y0 > p.y);
  for (const box of [r, l, a, b]) {
    assertEquals(box.x1 - box.x0, 22);
    assertEquals(box.y1 - box.y0, 11);
  }
  assert(!boxesOverlap(r, l) && !boxesOverlap(a, b));
  assert(boxesOverlap(r, { x0: 110, y0: 50, x1: 111, y1: 51 }));
  assert(!boxesOverlap(r, { x0: r.x1, y0: r.y0, x1: r.x1 + 5, y1: r.y1 }), "touching is fine");
});
