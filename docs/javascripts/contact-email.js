/* Contact emails: the HTML carries each address base64-encoded in data-email, with a
   readable fallback ("jane at example dot org") as text, so address harvesters find none.
   Here each becomes an ordinary mailto: link whose text is the address, which is what
   sighted and screen reader users get. A labelled one (archive-email--labelled: a link such as
   "Request an accessible format") keeps its label as the link's text and drops the spoken
   address; its data-email-query (e.g. subject=…) is added to the link. See src/projarchive/privacy.py. */
(function () {
  "use strict";
  function decode(encoded) {
    var bytes = atob(encoded);
    try {
      return decodeURIComponent(Array.prototype.map.call(bytes, function (c) {
        return "%" + ("0" + c.charCodeAt(0).toString(16)).slice(-2);
      }).join(""));
    } catch (e) {
      return bytes;
    }
  }
  function reveal(root) {
    var spans = root.querySelectorAll("span.archive-email[data-email]");
    Array.prototype.forEach.call(spans, function (span) {
      var address;
      try { address = decode(span.getAttribute("data-email")); } catch (e) { return; }
      if (!/^[^\s@<>"]+@[^\s@<>"]+$/.test(address)) { return; }
      var link = document.createElement("a");
      var query = span.getAttribute("data-email-query");
      link.href = "mailto:" + address + (query ? "?" + query : "");
      link.className = "archive-email";
      var label = span.classList.contains("archive-email--labelled") ?
        span.querySelector(".archive-email__label") : null;
      if (label) {
        while (label.firstChild) { link.appendChild(label.firstChild); }
      } else {
        link.textContent = address;
      }
      span.replaceWith(link);
    });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    // Material's instant navigation swaps pages without a reload: reveal on each new page
    window.document$.subscribe(function () { reveal(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  } else {
    reveal(document);
  }
})();
