/* The workbench figures: draws each tile's chart with ECharts (SVG renderer, so it prints)
   from the JSON block #workbench-charts. Every chart's numbers are also in the table below it.
   A tile the page did not compute ([data-figure-src]) is fetched by itself, put in place and drawn;
   one with nothing to show (204) is removed. */
(function () {
  "use strict";
  var instances = [];
  function draw(el, data) {
    if (!data || !window.echarts) { return; }
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
  }
  function load(tile) {
    var status = tile.querySelector("[role=status]");
    fetch(tile.getAttribute("data-figure-src"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (resp) {
        if (resp.status === 204) { tile.remove(); return null; }
        if (!resp.ok) { throw new Error(resp.status); }
        return resp.text();
      })
      .then(function (html) {
        if (html === null) { return; }
        var holder = document.createElement("template");
        holder.innerHTML = html;
        var article = holder.content.querySelector("article.figure");
        var block = holder.content.getElementById("figure-chart");
        if (!article) { throw new Error("no tile"); }
        tile.replaceWith(article);
        var el = article.querySelector("[data-chart]");
        if (el && block) { draw(el, JSON.parse(block.textContent)); }
      })
      .catch(function () {
        tile.removeAttribute("aria-busy");
        if (status) { status.textContent = "统计未能完成，请刷新页面重试。"; }
      });
  }
  function init() {
    var block = document.getElementById("workbench-charts");
    var charts = block ? JSON.parse(block.textContent) : {};
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      draw(el, charts[el.getAttribute("data-chart")]);
    });
    document.querySelectorAll("[data-figure-src]").forEach(load);
    window.addEventListener("resize", function () { instances.forEach(function (c) { c.resize(); }); });
    window.addEventListener("beforeprint", function () { instances.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
