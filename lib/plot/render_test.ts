import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { renderPng, renderSvg } from "./render.ts";

const SPEC = {
  $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  title: "tiny",
  width: 200,
  height: 100,
  data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }, { a: 3, b: 1 }] },
  mark: "line",
  encoding: {
    x: { field: "a", type: "quantitative", title: "alpha" },
    y: { field: "b", type: "quantitative", title: "beta" },
  },
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

Deno.test("renderSvg() renders a Vega-Lite spec headlessly", async () => {
  const svg = await renderSvg(SPEC);
  assert(svg.startsWith("<svg"), svg.slice(0, 80));
  for (const t of ["tiny", "alpha", "beta"]) assert(svg.includes(`>${t}</text>`), `missing ${t}`);
});

Deno.test("renderSvg() also accepts a Vega spec", async () => {
  const svg = await renderSvg({
    $schema: "https://vega.github.io/schema/vega/v5.json",
    width: 50,
    height: 20,
    marks: [{ type: "text", encode: { enter: { text: { value: "hello vega" } } } }],
  });
  assert(svg.includes(">hello vega</text>"));
});

Deno.test("renderPng() returns a PNG at 2× by default and honours scale", async () => {
  const svg = await renderSvg(SPEC);
  const svgWidth = Number(svg.match(/<svg[^>]*width="(\d+(?:\.\d+)?)"/)![1]);
  const png = await renderPng(SPEC);
  assertEquals([...png.subarray(0, 8)], PNG_SIGNATURE);
  assert(png.length > 5_000 && png.length < 500_000, `PNG of ${png.length} bytes`);
  const [w, h] = pngSize(png);
  assertEquals(w, Math.ceil(svgWidth * 2));
  assert(h > 200);
  const [w1] = pngSize(await renderPng(SPEC, { scale: 1 }));
  assertEquals(w1, Math.ceil(svgWidth));
});

Deno.test("renderPng() draws text (the font is loaded)", async () => {
  const withText = await renderPng(SPEC, { scale: 1 });
  const noText = await renderPng({
    ...SPEC,
    title: undefined,
    encoding: {
      x: { ...SPEC.encoding.x, axis: { labels: false, title: null } },
      y: { ...SPEC.encoding.y, axis: { labels: false, title: null } },
    },
  }, { scale: 1 });
  // Glyphs add detail that compresses worse; a missing font would render no glyphs at all.
  assert(withText.length > noText.length * 1.2, `${withText.length} vs ${noText.length}`);
});

Deno.test("renderPng() explains a missing font", async () => {
  await assertRejects(
    () => renderPng(SPEC, { fontPath: "/nonexistent/NoSuchFont.ttf" }),
    /apt-get install fonts-dejavu-core/,
  );
});

Deno.test("renderSvg() names the problem in a bad spec", async () => {
  await assertRejects(() => renderSvg({}), /Invalid Vega-Lite spec: Invalid specification/);
  await assertRejects(
    () => renderSvg({ ...SPEC, mark: "nonsense" }),
    /Invalid Vega-Lite spec "tiny": unknown mark type "nonsense" at spec\.mark/,
  );
  await assertRejects(
    () => renderSvg({ ...SPEC, layer: [{ mark: { type: "lines" } }], mark: undefined }),
    /unknown mark type "lines" at spec\.layer\[0\]\.mark/,
  );
  await assertRejects(
    () => renderSvg({ ...SPEC, transform: [{ calculate: "datum.a +", as: "c" }] }),
    /Invalid Vega-Lite spec "tiny"|Vega failed/,
  );
  await assertRejects(
    () => renderSvg({ ...SPEC, transform: [{ calculate: "datum.a.b.c", as: "c" }] }),
    /Vega failed to render the spec "tiny": .*reading 'c'/,
  );
  await assertRejects(() => renderPng({ ...SPEC, mark: 42 }), /unknown mark type 42/);
});
