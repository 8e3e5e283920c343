// Draws the report charts: each element [data-chart] holds the index of its chart in the
// JSON of #report-charts (made by aftersales/reports/charts.py).
(function () {
  "use strict";

  function option(chart) {
    var base = { title: { text: chart.title, left: "center", textStyle: { fontSize: 14 } },
                 tooltip: {}, grid: { left: 8, right: 16, bottom: 8, top: 48, containLabel: true } };
    if (chart.kind === "pie") {
      base.tooltip = { trigger: "item", formatter: "{b}: {c} ({d}%)" };
      base.series = [{ type: "pie", radius: ["35%", "65%"], top: 24, data: chart.items,
                       label: { formatter: "{b}\n{c}" } }];
      return base;
    }
    if (chart.kind === "gauges") {
      base.series = chart.items.map(function (item, i) {
        return { type: "gauge", min: 0, max: 100, radius: "70%",
                 center: [(25 + 50 * i) + "%", "60%"],
                 detail: { formatter: item.value === null ? "—" : "{value}%", fontSize: 16 },
                 title: { offsetCenter: [0, "85%"] }, axisLabel: { show: false },
                 data: [{ value: item.value === null ? 0 : item.value, name: item.name }] };
      });
      return base;
    }
    var category = { type: "category", data: chart.labels, axisLabel: { interval: 0, hideOverlap: true } };
    var value = { type: "value", minInterval: 1 };
    base.tooltip = { trigger: "axis" };
    if (chart.series.length > 1) {
      base.legend = { top: 24 };
      base.grid.top = 64;
    }
    base.xAxis = chart.horizontal ? value : category;
    base.yAxis = chart.horizontal ? category : value;
    base.series = chart.series.map(function (s) {
      return { type: chart.kind === "line" ? "line" : "bar", name: s.name, data: s.data,
               stack: chart.stack ? "all" : undefined, label: { show: chart.kind !== "line" && chart.series.length === 1, position: chart.horizontal ? "right" : "top" } };
    });
    return base;
  }

  function draw() {
    var source = document.getElementById("report-charts");
    if (!source || typeof echarts === "undefined") return;
    var charts = JSON.parse(source.textContent);
    var drawn = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var chart = charts[Number(element.dataset.chart)];
      if (!chart) return;
      var instance = echarts.init(element, null, { renderer: "svg" });
      instance.setOption(option(chart));
      drawn.push(instance);
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (instance) { instance.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
