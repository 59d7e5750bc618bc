/**
 * HTML helpers of the static site: escaping, the page shell (viewport tag, the site's own CSS and
 * scripts, navigation), live Vega-Lite figures with a PNG fallback, and tables that scroll sideways.
 * @module
 */

/** Escapes text for HTML (element content and attribute values). */
export const escape = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Wraps every `<table>` in a `div.table-wrap` (overflow-x: auto) so it scrolls on small screens. */
export const wrapTables = (html: string): string =>
  html.replace(/<table\b/g, `<div class="table-wrap"><table`).replace(
    /<\/table>/g,
    `</table></div>`,
  );

/** The browser builds the site serves from `assets/` (copied from the npm packages). */
export const SCRIPTS = [
  "assets/vega.min.js",
  "assets/vega-lite.min.js",
  "assets/vega-embed.min.js",
];

/** Legend settings of every chart: no truncated labels, no "…N entries". */
export const LEGEND_CONFIG = { labelLimit: 0, symbolLimit: 0 };

/**
 * A spec ready for the site: legends never cut (labelLimit 0, symbolLimit 0), tooltips on marks,
 * and — for a single view coloured by a field — a point selection bound to the legend that fades
 * the other series (legend highlighting). Throws on a spec that is not an object.
 */
export function siteSpec(spec: unknown): Record<string, unknown> {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new Error(
      `a Vega-Lite spec must be an object, got ${JSON.stringify(spec)?.slice(0, 80)}`,
    );
  }
  const s = structuredClone(spec) as Record<string, unknown>;
  const config = { ...(s.config as Record<string, unknown> ?? {}) };
  config.legend = { ...(config.legend as Record<string, unknown> ?? {}), ...LEGEND_CONFIG };
  const mark = config.mark as Record<string, unknown> | undefined;
  config.mark = { tooltip: true, ...(mark ?? {}) };
  s.config = config;
  const enc = s.encoding as Record<string, Record<string, unknown>> | undefined;
  const color = enc?.color;
  if (
    s.mark && enc && typeof color?.field === "string" && !enc.opacity && !s.params &&
    !s.selection
  ) {
    s.params = [{
      name: "legend_pick",
      select: { type: "point", fields: [color.field] },
      bind: "legend",
    }];
    enc.opacity = { condition: { param: "legend_pick", value: 1 }, value: 0.15 };
  }
  return s;
}

/**
 * One figure: the Vega-Lite spec drawn live by vega-embed, the PNG (if any) as `<noscript>`
 * fallback, and a caption.
 */
export function liveFigure(
  spec: Record<string, unknown>,
  caption: string,
  png?: { src: string; alt: string },
): string {
  const json = JSON.stringify(siteSpec(spec)).replace(/</g, "\\u003c");
  const fallback = png
    ? `<noscript><img src="${png.src}" alt="${escape(png.alt)}"></noscript>`
    : `<noscript><p class="muted">This chart needs JavaScript.</p></noscript>`;
  return `<figure class="chart vl-chart"><div class="vl-target"></div>` +
    `<script type="application/json">${json}</script>${fallback}` +
    `<figcaption>${caption}</figcaption></figure>`;
}

/** A static figure: an image with a caption. */
export function imageFigure(src: string, alt: string, caption: string): string {
  return `<figure class="chart"><img src="${src}" alt="${escape(alt)}">` +
    `<figcaption>${caption}</figcaption></figure>`;
}

/** Navigation: index, previous, next (each omitted when absent). */
export interface Nav {
  prev?: { href: string; title: string };
  next?: { href: string; title: string };
}

function navHtml(nav: Nav | undefined): string {
  if (!nav) return "";
  return `<nav class="site"><a href="index.html">Index</a><span class="spacer"></span>` +
    (nav.prev ? `<a rel="prev" href="${nav.prev.href}">← ${escape(nav.prev.title)}</a>` : "") +
    (nav.next ? `<a rel="next" href="${nav.next.href}">${escape(nav.next.title)} →</a>` : "") +
    `</nav>`;
}

/** A whole page: head (charset, viewport, title, CSS, the chart scripts), nav, body, nav. */
export function pageShell(title: string, body: string, nav?: Nav): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escape(title)}</title>
<link rel="stylesheet" href="assets/site.css">
${SCRIPTS.map((s) => `<script src="${s}"></script>`).join("\n")}
<script src="assets/site.js"></script>
</head><body>
${navHtml(nav)}
${body}
${navHtml(nav)}
</body></html>
`;
}

/** "id" slug of a heading. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/<[^>]*>/g, "").replace(/&[a-z]+;/g, "")
    .replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "section";
}
