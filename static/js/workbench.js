/* The workbench figures: draws each tile's chart with ECharts (SVG renderer, so it prints)
   from the JSON block #workbench-charts. Every chart's numbers are also in the table below it. */
(function () {
  "use strict";
  function init() {
    var block = document.getElementById("workbench-charts");
    if (!block || !window.echarts) { return; }
    var charts = JSON.parse(block.textContent);
    var instances = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = charts[el.getAttribute("data-chart")];
      if (!data) { return; }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      var unit = data.unit || "";
      var option;
      if (data.type === "pie") {
        option = {
          animation: false,
          color: ["#b71c1c", "#ef6c00", "#f9a825", "#2e7d32", "#1565c0", "#6a1b9a", "#546e7a"],
          tooltip: { trigger: "item", formatter: "{b}：{c}" + unit + "（{d}%）" },
          legend: { bottom: 0, type: "scroll" },
          series: [{
            type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
            name: data.series[0].name,
            label: { formatter: "{b}\n{c}" + unit },
            // Empty slices are left out of the drawing (they stay in the table below).
            data: data.categories.map(function (c, i) { return { name: c, value: data.series[0].data[i] }; })
              .filter(function (d) { return d.value > 0; })
          }]
        };
      } else {
        option = {
          animation: false,
          color: ["#b71c1c", "#1565c0"],
          tooltip: { trigger: "axis" },
          grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
          xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 4 ? 30 : 0 } },
          yAxis: { type: "value", name: unit },
          series: data.series.map(function (s) {
            return { type: "bar", name: s.name, data: s.data, label: { show: true, position: "top" } };
          })
        };
      }
      chart.setOption(option);
      el.setAttribute("data-drawn", "1");
      instances.push(chart);
    });
    window.addEventListener("resize", function () { instances.forEach(function (c) { c.resize(); }); });
    window.addEventListener("beforeprint", function () { instances.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
