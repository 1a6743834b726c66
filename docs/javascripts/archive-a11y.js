/* Accessibility fixes to Material's own markup that its templates do not let us make:
   the search dialog (role="dialog") has no accessible name, so name it after its field. */
(function () {
  "use strict";
  function name(root) {
    Array.prototype.forEach.call(root.querySelectorAll('.md-search[role="dialog"]:not([aria-label])'), function (d) {
      d.setAttribute("aria-label", "Search");
    });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { name(document); });
  } else {
    name(document);
  }
})();
