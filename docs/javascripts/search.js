/* Search: the header box on every page, and what the finder pages (finder.js) share with it.
 *
 * Pagefind's search API (pagefind/pagefind.js) with our own small UI. Loaded as an external
 * same-origin file (no inline script), so the site runs under
 *   script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'
 * Pagefind fetches its index chunks, a WebAssembly module and a web worker from
 * <site>/pagefind/, nothing from any other host. Results are built with DOM methods;
 * record text never goes through innerHTML.
 *
 * Every indexed page says what it is (the `type` filter and meta, projarchive.search_facts);
 * pages for maintainers (type "For maintainers") are listed after every other result, so a
 * search is two: everything else, then those. window.archiveSearch.find does both.
 */
(function () {
  "use strict";

  var KIND = "type";
  var header = document.querySelector("form[data-archive-search]");
  var LAST = header ? header.getAttribute("data-last-type") : "For maintainers";
  var instance = null;

  /* One Pagefind per page, loaded from `bundle` (a URL) with results' URLs under `root` (a path). */
  function load(bundle, root) {
    if (!instance) {
      instance = import(new URL(bundle, document.baseURI).href + "pagefind.js").then(function (pf) {
        return pf.options({ baseUrl: new URL(root, document.baseURI).pathname, excerptLength: 30 })
          .then(function () { return pf.init(); })  // fetch the WebAssembly and index metadata now
          .then(function () { return pf; });
      });
    }
    return instance;
  }

  function merge(into, counts) {
    Object.keys(counts || {}).forEach(function (key) {
      var mine = into[key] = into[key] || {};
      Object.keys(counts[key]).forEach(function (value) {
        mine[value] = (mine[value] || 0) + counts[key][value];
      });
    });
    return into;
  }

  /* Search for `words` (null: every page) among pages matching `filters` ({key: [values]}: any of
     the values of a key, every key). Resolves to {results, counts, total}: Pagefind's results (each
     with .data()), pages for maintainers last; counts per filter value as Pagefind gives them. */
  function find(pf, words, filters, sort) {
    var rest = {};
    Object.keys(filters).forEach(function (key) {
      if (key !== KIND && filters[key].length) rest[key] = { any: filters[key] };
    });
    var types = filters[KIND] || [];
    var first = types.filter(function (t) { return t !== LAST; });
    var parts = [];
    if (!types.length) parts.push({ none: [LAST] });
    else if (first.length) parts.push({ any: first });
    if (!types.length || types.indexOf(LAST) >= 0) parts.push({ any: [LAST] });
    return Promise.all(parts.map(function (type) {
      var options = { filters: Object.assign({}, rest, { type: type }) };
      if (sort) options.sort = sort;
      return pf.search(words, options);
    })).then(function (all) {
      var results = [];
      var counts = {};
      all.forEach(function (s) {
        results = results.concat(s.results);
        merge(counts, s.filters);
      });
      return { results: results, counts: counts, total: results.length };
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* How many characters at the start of `text` repeat the end of `title`, shown just above it:
     Pagefind cuts the excerpt around the words found, and a title full of them makes it open with
     "…Health Difficulties. This project has…". 0 if it does not, or if nothing would be left. */
  function titleTail(text, title) {
    var stop = text.indexOf(". ");
    if (!title || stop <= 0 || stop + 2 >= text.length) return 0;
    var head = text.slice(0, stop).trim().toLowerCase();
    var end = title.trim().toLowerCase().replace(/\.$/, "");
    return end.slice(-head.length) === head && (end.length === head.length || /\s/.test(end.charAt(end.length - head.length - 1)))
      ? stop + 2 : 0;
  }

  /* Pagefind's excerpt is text with <mark> around the matched words; copy only those, from after
     the end of the page's `title` if the excerpt opens with it. */
  function excerpt(html, className, title) {
    var out = el("p", className);
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var nodes = Array.prototype.slice.call(doc.body.firstChild.childNodes);
    var skip = titleTail(doc.body.firstChild.textContent, title);
    nodes.forEach(function (node) {
      var text = node.textContent;
      if (skip) {
        var drop = Math.min(skip, text.length);
        text = text.slice(drop);
        skip -= drop;
      }
      if (!text) return;
      out.appendChild(node.nodeName === "MARK" ? el("mark", "", text) : document.createTextNode(text));
    });
    return out;
  }

  /* "Project · 1 April 2009 – 31 March 2010 · Finished": what a result is, first, in bold. */
  function facts(data, className) {
    var meta = data.meta || {};
    var out = el("p", className);
    if (meta.type) out.appendChild(el("strong", "archive-result__type", meta.type));
    if (meta.type && meta.facts) out.appendChild(document.createTextNode(" · "));
    if (meta.facts) out.appendChild(document.createTextNode(meta.facts));
    return out;
  }

  /* What the header's drop-down last showed, kept for this tab (sessionStorage) so the results page
     that Enter opens can show those first results at once, before its own search of the index
     answers (it then shows its own: the same five while the index is unchanged). Only what a
     result shows is kept: address, title, type, facts and excerpt. */
  var CARRIED = "archive-search-carried";

  function carry(query, total, results) {
    try {
      sessionStorage.setItem(CARRIED, JSON.stringify({
        query: query, total: total, results: results.map(function (r) {
          var meta = r.meta || {};
          return { url: r.url, excerpt: r.excerpt || "", meta: { title: meta.title, type: meta.type, facts: meta.facts } };
        })
      }));
    } catch (e) { /* storage refused or full: the results page searches for itself */ }
  }

  /* The drop-down's results for `query`, if it showed any in this tab: {total, results}, or null.
     Only results whose address is a path on this site (as Pagefind gives them) are given back. */
  function carried(query) {
    try {
      var kept = JSON.parse(sessionStorage.getItem(CARRIED) || "null");
      if (!kept || kept.query !== query || !Array.isArray(kept.results)) return null;
      kept.results = kept.results.filter(function (r) {
        return r && typeof r.url === "string" && /^\/(?!\/)/.test(r.url);
      });
      return kept;
    } catch (e) {
      return null;
    }
  }

  function resultsAddress(base, words) {
    var url = new URL(base, document.baseURI);
    url.search = words ? "?" + new URLSearchParams({ q: words }).toString() : "";
    return url.href;
  }

  window.archiveSearch = {
    load: load, find: find, excerpt: excerpt, facts: facts, el: el, lastType: LAST,
    resultsAddress: resultsAddress, carried: carried
  };

  /* The finder pages' script (browse, search results), fetched only where there is a finder; the
     index starts loading at once, while finder.js is on its way. */
  var finderRoot = document.querySelector("[data-archive-finder]");
  if (finderRoot && document.currentScript) {
    load(finderRoot.getAttribute("data-pagefind-bundle"), finderRoot.getAttribute("data-site-root"));
    var finder = document.createElement("script");
    finder.src = new URL("finder.js", document.currentScript.src).href;
    document.body.appendChild(finder);
  }

  /* The 404 page: offer to search for the words of the address that was not found. */
  var missing = document.querySelector("input[data-archive-missing]");
  if (missing && !missing.value) {
    var words = decodeURIComponent(location.pathname).split("/").filter(Boolean).pop() || "";
    missing.value = words.replace(/\.html?$/, "").replace(/[-_+.]+/g, " ").trim();
  }

  if (!header) return;
  var form = header;
  var input = form.querySelector("input[type=search]");
  var panel = form.querySelector(".archive-search__results");
  var status = form.querySelector(".archive-search__status");
  var list = form.querySelector(".archive-search__list");
  var all = form.querySelector(".archive-search__all");
  var allLink = all.querySelector("a");
  var SHOWN = 5;  // results in the drop-down; the results page lists every one
  /* A single word shorter than this is not searched as the visitor types: Pagefind matches the
     last word as a prefix, and at 10,000 projects "l" matches 11,784 pages and keeps its worker
     busy for 3 s ("li": 0.4 s), with every later search waiting behind it. Enter still searches. */
  var SHORTEST = 3;
  var current = 0;

  function pagefind() {
    var p = load(form.getAttribute("data-pagefind-bundle"), form.getAttribute("data-site-root"));
    p.catch(function () { status.textContent = "Search is not available right now."; });
    return p;
  }

  function show(open) {
    panel.hidden = !open;  // (aria-expanded is not allowed on a searchbox; the live region speaks instead)
  }

  function render(results, total, query) {
    list.replaceChildren();
    results.forEach(function (r) {
      var li = el("li", "archive-search__result");
      var a = el("a", "archive-search__link", (r.meta && r.meta.title) || r.url);
      a.href = r.url;
      li.appendChild(a);
      li.appendChild(facts(r, "archive-search__facts"));
      li.appendChild(excerpt(r.excerpt || "", "archive-search__excerpt", r.meta && r.meta.title));
      list.appendChild(li);
    });
    if (total === 0) status.textContent = "No results for “" + query + "”.";
    else status.textContent = total === 1 ? "1 result." : total + " results.";
    all.hidden = total === 0;
    allLink.textContent = total === 1 ? "Open the results page" : "See all " + total + " results";
    allLink.href = resultsAddress(form.getAttribute("action"), query);
    panel.setAttribute("data-query", query);  // which query the shown results answer
    panel.setAttribute("data-total", String(total));
    carry(query, total, results);
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++current;
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      all.hidden = true;
      show(false);
      return;
    }
    show(true);
    panel.removeAttribute("data-query");
    if (query.length < SHORTEST && !/\s/.test(query)) {
      list.replaceChildren();
      all.hidden = true;
      status.textContent = "Keep typing, or press Enter to search for “" + query + "”.";
      return;
    }
    status.textContent = "Searching…";
    pagefind().then(function (pf) {
      return find(pf, query, {});
    }).then(function (found) {
      if (ticket !== current) return null;
      return Promise.all(found.results.slice(0, SHOWN).map(function (r) { return r.data(); }))
        .then(function (data) {
          if (ticket === current) render(data, found.total, query);
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
  input.addEventListener("focus", pagefind);  // fetch pagefind.js while the visitor types
  input.addEventListener("click", function () {
    if (input.value.trim() && list.childNodes.length) show(true);
  });
  /* Enter opens the results page with the words in its address (the form's own GET submission). */
  form.addEventListener("submit", function (e) {
    clearTimeout(timer);
    if (!input.value.trim()) e.preventDefault();
  });

  function links() {
    return Array.prototype.slice.call(panel.querySelectorAll("a")).filter(function (a) {
      return !a.closest("[hidden]");
    });
  }

  form.addEventListener("keydown", function (e) {
    var items = links();
    var at = items.indexOf(document.activeElement);
    if (e.key === "Escape") {
      show(false);
      input.focus();
      e.preventDefault();
    } else if (e.key === "ArrowDown" && items.length) {
      items[Math.min(at + 1, items.length - 1)].focus();
      e.preventDefault();
    } else if (e.key === "ArrowUp" && at >= 0) {
      (at === 0 ? input : items[at - 1]).focus();
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
