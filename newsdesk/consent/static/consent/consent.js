/* The cookie banner's focus handling. Everything works without it (plain forms, <details>);
   this only moves focus the way a dialog should. No storage, no requests. */
(function () {
  "use strict";
  var banner = document.querySelector("[data-consent-banner]");
  if (!banner) return;
  // The banner is a (non-modal) dialog that opens with the page: focus it, unless the reader is
  // already somewhere (a #fragment link, or focus moved before we ran).
  if (!location.hash && (document.activeElement === document.body || !document.activeElement)) {
    banner.focus({ preventScroll: true });
  }
  var customize = banner.querySelector("details");
  if (customize) {
    customize.addEventListener("toggle", function () {
      if (customize.open) {
        var first = customize.querySelector("input[role=switch]:not([disabled])");
        if (first) first.focus();
      }
    });
  }
  banner.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !customize || !customize.open) return;
    customize.open = false;
    customize.querySelector("summary").focus();
    event.preventDefault();
  });
})();
