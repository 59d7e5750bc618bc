/**
 * The static site in a real browser: builds it from the committed notebooks and results into a
 * temporary directory, serves it on 127.0.0.1, opens every page in Debian's headless Chromium
 * (installed by bin/setup), and asserts that no image is broken and that each notebook page shows
 * all of its charts. Saves a screenshot of the index (its path is printed).
 */
import { assert, assertEquals } from "../lib/_assert.ts";
import { buildSite } from "../tools/build_site.ts";
import { launchChromium } from "../tools/chromium.ts";
import { serveDirectory } from "../tools/serve_static.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Waits for every image, then reports each one's natural size. */
const IMAGES = `(async () => {
  const images = [...document.images];
  await Promise.all(images.map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener("load", done); img.addEventListener("error", done);
  })));
  return images.map((img) => ({ src: img.src.slice(0, 80), width: img.naturalWidth, height: img.naturalHeight }));
})()`;

function executed(notebook: string): boolean {
  const nb = JSON.parse(Deno.readTextFileSync(`${ROOT}notebooks/${notebook}.ipynb`)) as {
    cells: { cell_type: string; execution_count?: number | null }[];
  };
  return nb.cells.some((c) => c.cell_type === "code" && c.execution_count != null);
}

Deno.test({
  name: "site: every page opens in headless Chromium with no broken images and all its charts",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const out = await Deno.makeTempDir({ prefix: "site-test-" });
    const manifest = await buildSite(out);
    assert(manifest.pages.length >= 1, "at least one notebook page");
    const server = serveDirectory(out);
    const browser = await launchChromium({ timeoutMs: 30_000 });
    try {
      await new Promise((r) => setTimeout(r, 0)); // the server's URL is known once it listens
      const page = await browser.newPage({ width: 1200, height: 900 });
      const targets = [
        { name: "index.html", charts: manifest.indexCharts },
        ...manifest.pages.map((p) => ({ name: p.html, charts: p.charts, notebook: p.notebook })),
      ];
      for (const target of targets) {
        await page.goto(`${server.url}${target.name}`);
        const images = await page.evaluate<{ src: string; width: number }[]>(IMAGES);
        const broken = images.filter((img) => !(img.width > 0));
        assertEquals(broken, [], `${target.name}: broken images`);
        assert(
          images.length >= target.charts,
          `${target.name}: ${images.length} image(s) shown, ${target.charts} chart(s) expected`,
        );
        if ("notebook" in target && target.notebook && executed(target.notebook)) {
          assert(
            target.charts >= 1,
            `${target.name}: an executed notebook shows at least one chart`,
          );
        }
      }
      await page.goto(`${server.url}index.html`);
      const title = await page.evaluate<string>("document.querySelector('h1')?.textContent ?? ''");
      assert(title.includes("Self-supervised"), `index title: ${title}`);
      const links = await page.evaluate<string[]>(
        "[...document.querySelectorAll('a')].map((a) => a.getAttribute('href'))",
      );
      for (const p of manifest.pages) assert(links.includes(p.html), `index links to ${p.html}`);
      const png = await page.screenshot();
      assertEquals([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
      const shot = await Deno.makeTempFile({ prefix: "site-index-", suffix: ".png" });
      await Deno.writeFile(shot, png);
      console.log(`screenshot of the site's index: ${shot}`);
    } finally {
      await browser.close();
      await server.close();
      await Deno.remove(out, { recursive: true });
    }
  },
});
