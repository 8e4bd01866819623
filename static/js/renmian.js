// 干部任免审批表 print page: the print button (no inline script under the CSP).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-form");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
});
