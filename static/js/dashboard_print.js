// The printable report's "Print" button (no inline handlers: the CSP allows only our files).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
