// Renders every Vega-Lite chart of a page with vega-embed (served from the site's assets/), with
// tooltips; warnings and errors are kept in globalThis.siteWarnings (the browser test reads them) and
// shown under the chart. The PNG in <noscript> is the fallback without JavaScript.
globalThis.siteWarnings = [];
globalThis.siteChartsDone = false;
(function () {
  const warn = console.warn.bind(console);
  console.warn = (...args) => {
    globalThis.siteWarnings.push(args.map(String).join(" "));
    warn(...args);
  };
})();
async function renderCharts() {
  const charts = [...document.querySelectorAll(".vl-chart")];
  await Promise.all(charts.map(async (el) => {
    const target = el.querySelector(".vl-target");
    try {
      const spec = JSON.parse(el.querySelector("script[type='application/json']").textContent);
      await vegaEmbed(target, spec, {
        renderer: "svg",
        tooltip: true,
        actions: { export: true, source: false, compiled: false, editor: false },
      });
      el.dataset.rendered = "ok";
    } catch (e) {
      el.dataset.rendered = "error";
      globalThis.siteWarnings.push(`chart failed: ${e && e.message}`);
      target.textContent = `This chart could not be drawn: ${e && e.message}`;
    }
  }));
  globalThis.siteChartsDone = true;
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", renderCharts);
else renderCharts();
