/* Keyboard users must be able to scroll a table that is wider than the screen
 * (WCAG 2.1.1; axe: scrollable-region-focusable). Material wraps every Markdown
 * table in .md-typeset__scrollwrap; a wrapper that actually scrolls becomes a
 * focusable, named region, and a visible line above it says it scrolls sideways
 * (the archive's own tables stack on a phone instead; issue #13). External
 * file, so the Content Security Policy holds. */
(function () {
  "use strict";

  function label(wrap) {
    var table = wrap.querySelector("table");
    var caption = table && table.querySelector("caption");
    var heading = wrap.previousElementSibling;
    while (heading && !/^H[2-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
    var name = caption ? caption.textContent : heading ? heading.textContent.replace(/¶$/, "") : "Table";
    return name.trim() + " (table, scrolls sideways)";
  }

  var CUE = "archive-scroll-cue";

  function cue(wrap, shown) {
    var before = wrap.previousElementSibling;
    var has = before && before.classList.contains(CUE);
    if (shown && !has) {
      var p = document.createElement("p");
      p.className = CUE;
      p.setAttribute("aria-hidden", "true");  // the region's name already says it scrolls
      p.textContent = "Scroll sideways to see the whole table \u2192";
      wrap.parentNode.insertBefore(p, wrap);
    } else if (!shown && has) {
      before.remove();
    }
  }

  function mark() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap));
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
      cue(wrap, scrolls);
    });
  }

  function later() { window.requestAnimationFrame(mark); }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(later);  // Material: every page load, incl. instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", later);
  }
  window.addEventListener("resize", later);
})();
