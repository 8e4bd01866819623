/* Pickers that scale and the organization tree, declared by data attributes (no inline script):
   - <select data-lookup="/api/v1/lookup/cadres/" data-lookup-action=".." data-lookup-set=".."
     data-lookup-under=".." data-placeholder=".."> becomes a Tom Select type-ahead that asks the
     scoped lookup endpoint as the user types (name, pinyin initials, ID tail); the page carries
     only the selected option(s). A multiple select becomes a multi picker (no Ctrl-click).
   - data-lookup-tree="1" (units) adds "按层级选择": the visible tree, each level fetched on demand.
   - <button data-tree-children="URL"> on the organization page loads a unit's children once and
     then expands / collapses them. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") {
      fn();
    } else {
      document.addEventListener("DOMContentLoaded", fn);
    }
  }

  function lookupUrl(el, extra) {
    var url = new URL(el.dataset.lookup, window.location.origin);
    if (el.dataset.lookupAction) url.searchParams.set("action", el.dataset.lookupAction);
    if (el.dataset.lookupSet) url.searchParams.set("set", el.dataset.lookupSet);
    if (el.dataset.lookupUnder) url.searchParams.set("under", el.dataset.lookupUnder);
    Object.keys(extra || {}).forEach(function (k) {
      url.searchParams.set(k, extra[k]);
    });
    return url.toString();
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("lookup " + r.status);
      return r.json();
    });
  }

  function treePanel(el, ts) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "linkbutton org-picker-toggle";
    button.textContent = "按层级选择";
    button.setAttribute("aria-expanded", "false");
    var panel = document.createElement("div");
    panel.className = "org-picker";
    panel.hidden = true;
    var wrapper = ts.wrapper;
    wrapper.parentNode.insertBefore(button, wrapper.nextSibling);
    button.parentNode.insertBefore(panel, button.nextSibling);

    function level(parent, into) {
      into.textContent = "正在加载…";
      getJson(lookupUrl(el, { parent: parent, limit: 50 })).then(function (data) {
        into.textContent = "";
        var ul = document.createElement("ul");
        data.results.forEach(function (row) {
          var li = document.createElement("li");
          if (row.has_children) {
            var toggle = document.createElement("button");
            toggle.type = "button";
            toggle.className = "tree-toggle";
            toggle.textContent = "+";
            toggle.setAttribute("aria-expanded", "false");
            toggle.setAttribute("aria-label", "展开" + row.text);
            var sub = document.createElement("div");
            sub.hidden = true;
            toggle.addEventListener("click", function () {
              var open = toggle.getAttribute("aria-expanded") === "true";
              if (!open && !sub.dataset.loaded) {
                sub.dataset.loaded = "1";
                level(String(row.id), sub);
              }
              sub.hidden = open;
              toggle.setAttribute("aria-expanded", open ? "false" : "true");
              toggle.textContent = open ? "+" : "−";
            });
            li.appendChild(toggle);
            li.appendChild(document.createTextNode(" "));
            var pick = document.createElement("button");
            pick.type = "button";
            pick.className = "linkbutton org-pick";
            pick.textContent = row.text;
            li.appendChild(pick);
            li.appendChild(sub);
            pick.addEventListener("click", function () { choose(row); });
          } else {
            var leaf = document.createElement("button");
            leaf.type = "button";
            leaf.className = "linkbutton org-pick";
            leaf.textContent = row.text;
            leaf.addEventListener("click", function () { choose(row); });
            li.appendChild(leaf);
          }
          ul.appendChild(li);
        });
        if (!data.results.length) into.textContent = "没有下级单位";
        into.appendChild(ul);
        if (data.more) {
          var more = document.createElement("p");
          more.className = "muted small";
          more.textContent = "下级单位较多，请在上方输入名称搜索";
          into.appendChild(more);
        }
      }).catch(function () {
        into.textContent = "加载失败，请重试";
      });
    }

    function choose(row) {
      ts.addOption({ id: row.id, text: row.text });
      ts.addItem(String(row.id));
      panel.hidden = true;
      button.setAttribute("aria-expanded", "false");
    }

    button.addEventListener("click", function () {
      var open = !panel.hidden;
      if (!open && !panel.dataset.loaded) {
        panel.dataset.loaded = "1";
        level("root", panel);
      }
      panel.hidden = open;
      button.setAttribute("aria-expanded", open ? "false" : "true");
    });
  }

  // Tom Select moves the <label for> to its own input and hides the original select (still in
  // the accessibility tree): keep the select's name so assistive technology reads one label.
  function keepName(el) {
    if (el.getAttribute("aria-label") || !el.id) return;
    var label = document.querySelector('label[for="' + el.id + '"]');
    var text = label ? label.textContent.replace(/[:：\s]+$/, "").trim() : "";
    if (text) el.setAttribute("aria-label", text);
  }

  function picker(el) {
    if (el.tomselect || typeof window.TomSelect === "undefined") return;
    keepName(el);
    var multiple = el.multiple;
    var ts = new window.TomSelect(el, {
      valueField: "id",
      labelField: "text",
      searchField: [],
      maxOptions: 50,
      preload: "focus",
      loadThrottle: 250,
      allowEmptyOption: false,
      placeholder: el.dataset.placeholder || "",
      plugins: multiple ? ["remove_button"] : el.required ? [] : ["clear_button"],
      // The server searched (pinyin initials, ID tail): show every row it answered.
      score: function () {
        return function () {
          return 1;
        };
      },
      shouldLoad: function () {
        return true;
      },
      load: function (query, callback) {
        var self = this;
        getJson(lookupUrl(el, { q: query }))
          .then(function (data) {
            self.clearOptions();
            callback(data.results);
          })
          .catch(function () {
            callback();
          });
      },
      render: {
        no_results: function () {
          return '<div class="no-results">没有匹配的结果</div>';
        },
        loading: function () {
          return '<div class="loading">正在搜索…</div>';
        },
      },
    });
    ts.on("type", function () {
      ts.loadedSearches = {};
    });
    if (el.dataset.lookupTree) treePanel(el, ts);
  }

  function treeToggle(button) {
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (!target) return;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      if (!open && !target.dataset.loaded && button.dataset.treeChildren) {
        target.dataset.loaded = "1";
        target.textContent = "正在加载…";
        fetch(button.dataset.treeChildren, { credentials: "same-origin" })
          .then(function (r) {
            if (!r.ok) throw new Error("tree " + r.status);
            return r.text();
          })
          .then(function (html) {
            var doc = new DOMParser().parseFromString(html, "text/html");
            target.textContent = "";
            Array.prototype.forEach.call(doc.body.childNodes, function (n) {
              target.appendChild(document.importNode(n, true));
            });
            target.querySelectorAll("button[data-tree-toggle]").forEach(treeToggle);
          })
          .catch(function () {
            target.dataset.loaded = "";
            target.textContent = "加载失败，请重试";
          });
      }
      target.hidden = open;
      button.setAttribute("aria-expanded", open ? "false" : "true");
      button.textContent = open ? "+" : "−";
    });
  }

  ready(function () {
    document.querySelectorAll("select[data-lookup]").forEach(picker);
    document.querySelectorAll("button[data-tree-toggle]").forEach(treeToggle);
    // Other multiple selects (fixed choice lists): tags with a remove button, no Ctrl-click.
    document.querySelectorAll("select[multiple]:not([data-lookup])").forEach(function (el) {
      if (el.tomselect || typeof window.TomSelect === "undefined") return;
      keepName(el);
      new window.TomSelect(el, { plugins: ["remove_button"], maxOptions: null, placeholder: "全部（可选多个）" });
    });
  });
})();
