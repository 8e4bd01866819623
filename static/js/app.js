/* Page behaviour for every page, loaded by base.html. The Content-Security-Policy forbids
   inline script, so templates declare behaviour with data attributes:
   - data-confirm="message" on a button or form: ask before submitting;
   - data-print on a button: print the page;
   - data-check-all="selector" on a checkbox: set every matching checkbox to its state;
   - data-for="selector" on a <datalist>: attach it to the matching inputs. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") {
      fn();
    } else {
      document.addEventListener("DOMContentLoaded", fn);
    }
  }

  ready(function () {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (!window.confirm(form.dataset.confirm)) {
          e.preventDefault();
        }
      });
    });
    document.querySelectorAll("button[data-confirm], a[data-confirm], input[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (e) {
        if (!window.confirm(el.dataset.confirm)) {
          e.preventDefault();
        }
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (el) {
      el.addEventListener("click", function () {
        window.print();
      });
    });
    document.querySelectorAll("input[type=checkbox][data-check-all]").forEach(function (box) {
      box.addEventListener("change", function () {
        document.querySelectorAll(box.dataset.checkAll).forEach(function (c) {
          c.checked = box.checked;
        });
      });
    });
    document.querySelectorAll("datalist[data-for]").forEach(function (list) {
      document.querySelectorAll(list.dataset.for).forEach(function (input) {
        input.setAttribute("list", list.id);
      });
    });
  });
})();
