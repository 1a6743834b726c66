/* The header search box: Pagefind's search API (pagefind/pagefind.js) with our own small UI.
 *
 * Loaded as an external same-origin file (no inline script), so the site runs under
 *   script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'
 * Pagefind fetches its index chunks, a WebAssembly module and a web worker from
 * <site>/pagefind/, nothing from any other host. Results are built with DOM methods;
 * record text never goes through innerHTML.
 */
(function () {
  "use strict";

  /* The browse page's script, fetched only where there is a browse form (same origin). */
  if (document.querySelector("form[data-archive-browse]") && document.currentScript) {
    var browse = document.createElement("script");
    browse.src = new URL("browse.js", document.currentScript.src).href;
    document.body.appendChild(browse);
  }

  var form = document.querySelector("form[data-archive-search]");
  if (!form) return;
  var input = form.querySelector("input[type=search]");
  var panel = form.querySelector(".archive-search__results");
  var status = form.querySelector(".archive-search__status");
  var list = form.querySelector(".archive-search__list");
  var LIMIT = 8;
  var pagefind = null;
  var current = 0;

  function absolute(path) {
    return new URL(path, document.baseURI).href;
  }

  function load() {
    if (!pagefind) {
      var bundle = absolute(form.getAttribute("data-pagefind-bundle"));
      var root = new URL(form.getAttribute("data-site-root"), document.baseURI).pathname;
      pagefind = import(bundle + "pagefind.js").then(function (pf) {
        return pf.options({ baseUrl: root, excerptLength: 24 })
          .then(function () { return pf.init(); })  // fetch the WebAssembly and index metadata now
          .then(function () { return pf; });
      });
      pagefind.catch(function () {
        status.textContent = "Search is not available right now.";
      });
    }
    return pagefind;
  }

  /* Pagefind's excerpt is text with <mark> around the matched words; copy only those. */
  function excerpt(html) {
    var out = document.createElement("p");
    out.className = "archive-search__excerpt";
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    doc.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeType === 3) out.appendChild(document.createTextNode(node.textContent));
      else if (node.nodeName === "MARK") {
        var m = document.createElement("mark");
        m.textContent = node.textContent;
        out.appendChild(m);
      }
    });
    return out;
  }

  function show(open) {
    panel.hidden = !open;  // (aria-expanded is not allowed on a searchbox; the live region speaks instead)
  }

  function render(results, total, query) {
    list.replaceChildren();
    results.forEach(function (r) {
      var li = document.createElement("li");
      li.className = "archive-search__result";
      var a = document.createElement("a");
      a.href = r.url;
      a.className = "archive-search__link";
      a.textContent = (r.meta && r.meta.title) || r.url;
      li.appendChild(a);
      li.appendChild(excerpt(r.excerpt || ""));
      list.appendChild(li);
    });
    if (total === 0) status.textContent = "No results for “" + query + "”.";
    else if (total > results.length) status.textContent = total + " results; showing the first " + results.length + ".";
    else status.textContent = total === 1 ? "1 result." : total + " results.";
    panel.setAttribute("data-query", query);  // which query the shown results answer
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++current;
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      show(false);
      return;
    }
    show(true);
    panel.removeAttribute("data-query");
    status.textContent = "Searching…";
    load().then(function (pf) {
      return pf.search(query);
    }).then(function (search) {
      if (ticket !== current || !search) return null;
      return Promise.all(search.results.slice(0, LIMIT).map(function (r) { return r.data(); }))
        .then(function (data) {
          if (ticket === current) render(data, search.results.length, query);
        });
    }).catch(function () {
      if (ticket === current) status.textContent = "Search is not available right now.";
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  input.addEventListener("focus", load);  // fetch pagefind.js while the visitor types
  input.addEventListener("click", function () {
    if (input.value.trim() && list.childNodes.length) show(true);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    run();
  });

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  form.addEventListener("keydown", function (e) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (e.key === "Escape") {
      show(false);
      input.focus();
      e.preventDefault();
    } else if (e.key === "ArrowDown" && all.length) {
      all[Math.min(at + 1, all.length - 1)].focus();
      e.preventDefault();
    } else if (e.key === "ArrowUp" && at >= 0) {
      (at === 0 ? input : all[at - 1]).focus();
      e.preventDefault();
    }
  });

  /* "/" (as in Material's own search) focuses the search box, unless the visitor is typing. */
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    input.focus();
    input.select();
  });

  document.addEventListener("click", function (e) {
    if (!form.contains(e.target)) show(false);
  });

  form.hidden = false;
})();
