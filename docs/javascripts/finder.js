/* The finder pages: the search results page (every kind of record) and the browse page (projects),
 * archive/search.html and archive/browse.html. Loaded by search.js, whose window.archiveSearch
 * searches the index (Pagefind) with pages for maintainers last.
 *
 * The address is the state: ?q=words&theme=a&theme=b&from=2009&to=2012&page=2, as the page's GET
 * form would write it. The page reads it on load and on Back/Forward; a change the visitor makes
 * is written back (a new history entry for a tick, a submitted search or another page of results;
 * typing only replaces the current one), so a reloaded, bookmarked or sent address shows the same
 * results. Within a facet ticked values are alternatives; across facets all must hold. A value's
 * count is the number of results ticking it would give.
 *
 * External same-origin file (CSP: script-src 'self' 'wasm-unsafe-eval'; worker-src 'self';
 * connect-src 'self'). Results are built with DOM methods; record text never goes through innerHTML.
 */
(function () {
  "use strict";

  var core = window.archiveSearch;
  var root = document.querySelector("[data-archive-finder]");
  if (!core || !root) return;
  var el = core.el;
  var mode = root.getAttribute("data-archive-finder");  // "search" or "browse"
  var form = document.getElementById("archive-finder-form");
  var words = document.getElementById("archive-finder-q");
  var from = document.getElementById("archive-finder-from");
  var to = document.getElementById("archive-finder-to");
  var status = document.getElementById("archive-finder-status");
  var list = document.getElementById("archive-finder-list");
  var pager = document.getElementById("archive-finder-pager");
  var results = root.querySelector("[data-finder-results]");
  var fallback = document.querySelector("[data-finder-fallback]");
  var panel = root.querySelector("[data-finder-filters]");  // a <details> on the results page
  var ticked = root.querySelector("[data-finder-ticked]");
  var perPage = parseInt(root.getAttribute("data-per-page"), 10) || 20;
  var fixed = JSON.parse(root.getAttribute("data-fixed") || "{}");  // filters the page always applies
  var boxes = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-facet] input[type=checkbox]"));
  var FIRST = 5;  // results shown before the rest of the page's have arrived
  var title = document.title;
  var page = 1;
  var current = 0;
  var restoreScroll = true;
  var layouts = [];
  var pagefind = core.load(root.getAttribute("data-pagefind-bundle"), root.getAttribute("data-site-root"));

  // ------------------------------------------------------------------ the address

  function params(number) {
    var p = new URLSearchParams();
    var q = words.value.trim();
    if (q) p.set("q", q);
    boxes.forEach(function (box) { if (box.checked) p.append(box.name, box.value); });
    if (from && from.value) p.set("from", from.value);
    if (to && to.value) p.set("to", to.value);
    if ((number || page) > 1) p.set("page", String(number || page));
    return p;
  }

  function address(p) {
    var query = p.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  function fromAddress() {
    var p = new URLSearchParams(location.search);
    words.value = p.get("q") || "";
    boxes.forEach(function (box) { box.checked = p.getAll(box.name).indexOf(box.value) >= 0; });
    if (from) from.value = /^\d+$/.test(p.get("from") || "") ? p.get("from") : "";
    if (to) to.value = /^\d+$/.test(p.get("to") || "") ? p.get("to") : "";
    page = Math.max(1, parseInt(p.get("page"), 10) || 1);
    layouts.forEach(function (layout) { layout(); });
  }

  /* Write the form's state into the address (a new entry if `push`), then show its results. */
  function go(push) {
    var url = address(params());
    if (url !== location.pathname + location.search) {
      history[push ? "pushState" : "replaceState"]({}, "", url);
    }
    run();
  }

  // ------------------------------------------------------------------ what is asked

  function chosen() {
    var filters = {};
    Object.keys(fixed).forEach(function (key) { filters[key] = fixed[key].slice(); });
    boxes.forEach(function (box) {
      if (box.checked) (filters[box.name] = filters[box.name] || []).push(box.value);
    });
    if (from && to && (from.value || to.value)) {
      var lo = parseInt(from.value || from.min, 10);
      var hi = parseInt(to.value || to.max, 10);
      if (!isNaN(lo) && !isNaN(hi)) {
        if (lo > hi) { var t = lo; lo = hi; hi = t; }
        var years = [];
        for (var y = Math.max(lo, parseInt(from.min, 10)); y <= Math.min(hi, parseInt(to.max, 10)); y++) {
          years.push(String(y));
        }
        filters.year = years.length ? years : ["none"];
      }
    }
    return filters;
  }

  function tickedCount() {
    return boxes.filter(function (box) { return box.checked; }).length +
      (from && (from.value || to.value) ? 1 : 0);
  }

  function without(filters, key) {
    var out = Object.assign({}, filters);
    delete out[key];
    return out;
  }

  // ------------------------------------------------------------------ showing results

  function link(data, className) {
    var a = el("a", className, (data.meta && data.meta.title) || data.url);
    a.href = data.url;
    return a;
  }

  /* The browse page: a project card, as in the listings (archive/partials/card.html). */
  function card(data) {
    var meta = data.meta || {};
    var li = el("li", "archive-card");
    var h = el("h3", "archive-card__title");
    h.appendChild(link(data));
    li.appendChild(h);
    var p = el("p", "archive-card__meta");
    if (meta.dates) p.appendChild(el("span", "archive-card__dates", meta.dates));
    if (meta.status) {
      p.appendChild(document.createTextNode(" "));
      p.appendChild(el("span", "archive-status archive-status--" + meta.status.toLowerCase(), meta.status));
    }
    if (meta.type === "Programme") {
      p.appendChild(document.createTextNode(" "));
      p.appendChild(el("span", "archive-status archive-status--programme", "Programme"));
    }
    li.appendChild(p);
    li.appendChild(el("p", "archive-card__summary", meta.summary || ""));
    return li;
  }

  /* The results page: title, what it is (type, dates, status…), and where the words are. */
  function result(data, searched) {
    var li = el("li", "archive-result");
    var h = el("h3", "archive-result__title");
    h.appendChild(link(data, "archive-result__link"));
    li.appendChild(h);
    li.appendChild(core.facts(data, "archive-result__facts"));
    var summary = data.meta && data.meta.summary;
    if (!searched && summary) li.appendChild(el("p", "archive-result__excerpt", summary));
    else li.appendChild(core.excerpt(data.excerpt || "", "archive-result__excerpt", data.meta && data.meta.title));
    return li;
  }

  function updateCounts(counts) {
    boxes.forEach(function (box) {
      var n = (counts[box.name] && counts[box.name][box.value]) || 0;
      var count = box.parentNode.querySelector(".archive-facet__count");
      if (count) count.textContent = "(" + n + ")";
    });
    if (ticked) {
      var n = tickedCount();
      ticked.textContent = n ? "(" + n + " chosen)" : "";
    }
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  function say(total, q, filtered) {
    if (mode === "browse") {
      return total === 0 ? "No projects match." : total === 1 ? "1 project matches." : total + " projects match.";
    }
    var text = total === 0 ? "No results" : plural(total, "result", "results");
    if (q) text += " for “" + q + "”";
    if (filtered) text += total === 0 ? " with these filters; try removing one." : ", filtered.";
    else text += ".";
    return text;
  }

  function renderPager(total, pages) {
    pager.replaceChildren();
    pager.hidden = pages <= 1;
    if (pages <= 1) return;
    var first = (page - 1) * perPage + 1;
    var last = Math.min(total, page * perPage);
    pager.appendChild(el("p", "archive-pager__status",
      "Showing " + first + "–" + last + " of " + total + " (page " + page + " of " + pages + ")."));
    var ul = el("ul", "archive-pager__list");
    function item(number, text, rel) {
      var li = el("li");
      var a = el("a");
      a.href = address(params(number));
      a.setAttribute("data-page", String(number));
      if (rel) {
        a.rel = rel;
        a.appendChild(document.createTextNode(text));
        a.appendChild(el("span", "md-visually-hidden", " page"));
      } else {
        a.appendChild(el("span", "md-visually-hidden", "Page "));
        a.appendChild(document.createTextNode(String(number)));
        if (number === page) a.setAttribute("aria-current", "page");
      }
      li.appendChild(a);
      ul.appendChild(li);
    }
    if (page > 1) item(page - 1, "Previous", "prev");
    var shown = [1, pages];
    for (var n = Math.max(1, page - 2); n <= Math.min(pages, page + 2); n++) shown.push(n);
    shown = shown.filter(function (v, i, a) { return a.indexOf(v) === i; }).sort(function (a, b) { return a - b; });
    shown.forEach(function (number, i) {
      if (i && number - shown[i - 1] > 1) {
        var gap = el("li", "archive-pager__gap", "…");
        gap.setAttribute("aria-hidden", "true");
        ul.appendChild(gap);
      }
      item(number);
    });
    if (page < pages) item(page + 1, "Next", "next");
    pager.appendChild(ul);
  }

  function unavailable() {
    status.textContent = mode === "browse" ? "Filtering is not available right now." : "Search is not available right now.";
    if (fallback) fallback.hidden = false;
    results.setAttribute("data-settled", "");
  }

  /* The counts beside every value: what ticking it would give. A ticked value widens its own facet
     (any of them), so each facet with ticks is counted by a search without its own ticks. */
  function counting(pf, q, filters) {
    var own = Object.keys(filters).filter(function (k) { return k !== "year" && !(k in fixed); });
    return Promise.all([core.find(pf, q || null, filters)].concat(own.map(function (key) {
      return core.find(pf, q || null, without(filters, key));
    }))).then(function (all) {
      var counts = Object.assign({}, all[0].counts);
      own.forEach(function (key, i) { counts[key] = all[i + 1].counts[key] || {}; });
      return counts;
    });
  }

  /* Every filter of the index, for the counts beside every value: asked for only once the first
     results are on screen. Pagefind's worker answers in turn, so asked for earlier they would keep
     the first search waiting until every filter file had arrived. */
  var everyFilter = null;
  function filtersLoaded(pf) {
    if (!everyFilter) everyFilter = pf.filters();
    return everyFilter;
  }

  /* The results for the form as it stands, `page` of them: the first few fetched and shown (the
     top of the page), then the rest fetched and shown, and the pager. Resolves when all are
     shown, or at once if another search has started since (`ticket` is no longer current). */
  function showResults(pf, ticket, q, filters, filtered) {
    if (mode === "search" && !q && !filtered) {
      list.replaceChildren();
      renderPager(0, 0);
      status.textContent = "Type words to search for above, or choose a filter.";
      return Promise.resolve();
    }
    return core.find(pf, q || null, filters, q ? null : { date: "desc" }).then(function (found) {
      if (ticket !== current) return null;
      var total = found.total;
      var pages = Math.max(1, Math.ceil(total / perPage));
      if (page > pages) {
        page = pages;
        history.replaceState(history.state, "", address(params()));
      }
      var shown = found.results.slice((page - 1) * perPage, page * perPage);
      function dataOf(some) { return Promise.all(some.map(function (r) { return r.data(); })); }
      function add(data) {
        data.forEach(function (d) { list.appendChild(mode === "browse" ? card(d) : result(d, !!q)); });
      }
      return dataOf(shown.slice(0, FIRST)).then(function (data) {
        if (ticket !== current) return null;
        if (!(results.getAttribute("data-shown") === "carried" && showing(data))) {
          list.replaceChildren();
          add(data);
        }
        if (list.tagName === "OL") list.start = (page - 1) * perPage + 1;
        var said = say(total, q, filtered);
        if (status.textContent !== said) status.textContent = said;  // (not said twice over carried results)
        results.setAttribute("data-shown", "searched");
        results.setAttribute("data-total", String(total));
        if (mode === "search") document.title = (q ? q + " - " : "") + title;  // history lists the search
        return dataOf(shown.slice(FIRST));  // (asked for now: they would delay the first ones)
      }).then(function (data) {
        if (ticket !== current || !data) return;
        add(data);
        renderPager(total, pages);
        if (restoreScroll) {
          restoreScroll = false;
          var y = history.state && history.state.y;
          if (y) window.scrollTo(0, y);
        }
      });
    });
  }

  /* Enter in the header box: the first results its drop-down showed for the same words (kept for
     the tab by search.js), shown at once while this page's own search of the index gets going;
     that search then shows its own results in their place (the same, unless the index changed).
     Only for the words alone, on the first page, when the page opens. */
  function showCarried(q) {
    var kept = mode === "search" && q && page === 1 && tickedCount() === 0 ? core.carried(q) : null;
    if (!kept || !kept.results.length) return;
    list.replaceChildren();
    kept.results.forEach(function (d) { list.appendChild(result(d, true)); });
    list.start = 1;
    status.textContent = say(kept.total, q, false);
    results.setAttribute("data-shown", "carried");
  }

  /* Whether the list already shows exactly these results, in this order (then it is left as it is:
     a visitor may already be on one of its links). */
  function showing(data) {
    var shown = list.querySelectorAll(".archive-result__link");
    return shown.length === data.length && data.every(function (d, i) {
      return shown[i].href === new URL(d.url, document.baseURI).href;
    });
  }

  /* Show what the form asks: the results, then the counts. `data-settled` once both are shown. */
  function run(opening) {
    var ticket = ++current;
    var q = words.value.trim();
    var filters = chosen();
    var filtered = tickedCount() > 0;
    results.removeAttribute("data-settled");
    status.textContent = mode === "browse" ? "Looking…" : "Searching…";
    if (opening) showCarried(q);
    pagefind.then(function (pf) {
      return showResults(pf, ticket, q, filters, filtered).then(function () {
        if (ticket !== current) return null;
        return filtersLoaded(pf).then(function () { return counting(pf, q, filters); });
      });
    }).then(function (counts) {
      if (ticket !== current || !counts) return;
      updateCounts(counts);
      results.setAttribute("data-settled", "");
    }).catch(function () {
      if (ticket === current) unavailable();
    });
  }

  // ------------------------------------------------------------------ long facets

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  form.querySelectorAll("fieldset[data-facet-long]").forEach(function (fieldset) {
    var items = Array.prototype.slice.call(fieldset.querySelectorAll("li"));
    var more = fieldset.querySelector("[data-facet-more]");
    var find = fieldset.querySelector("[data-facet-find]");
    var found = find ? document.getElementById(find.getAttribute("aria-describedby")) : null;
    var names = items.map(function (li) { return fold(li.querySelector("label").firstChild.textContent); });
    var few = parseInt(fieldset.getAttribute("data-facet-long"), 10);  // shown until "Show all" (facets.FEW)
    var open = false;
    function layout() {
      var term = find ? fold(find.value.trim()) : "";
      var n = 0;
      items.forEach(function (li, i) {
        var show = term ? names[i].indexOf(term) >= 0 : open || i < few || li.querySelector("input").checked;
        li.hidden = !show;
        if (show) n++;
      });
      more.hidden = !!term;
      more.setAttribute("aria-expanded", open ? "true" : "false");
      more.textContent = open ? "Show fewer " + more.getAttribute("data-plural")
        : "Show all " + more.getAttribute("data-total") + " " + more.getAttribute("data-plural");
      if (found) found.textContent = term ? (n === 0 ? "None match." : n === 1 ? "1 matches." : n + " match.") : "";
    }
    more.addEventListener("click", function () { open = !open; layout(); });
    if (find) {
      find.addEventListener("input", layout);
      find.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
    }
    layouts.push(layout);
  });

  // ------------------------------------------------------------------ the visitor's changes

  boxes.forEach(function (box) {
    box.addEventListener("change", function () { page = 1; go(true); });
  });
  var typing = null;
  function typed() {
    current++;  // a search under way answers what the form said before: its results are not shown
    results.removeAttribute("data-settled");  // what is shown no longer answers the form
    clearTimeout(typing);
    typing = setTimeout(function () { page = 1; go(false); }, 250);
  }
  [from, to].forEach(function (input) {
    if (!input) return;
    input.addEventListener("input", typed);
    input.addEventListener("change", function () { clearTimeout(typing); page = 1; go(true); });
  });
  if (mode === "browse") words.addEventListener("input", typed);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(typing);
    page = 1;
    go(true);
  });
  form.addEventListener("reset", function (e) {
    e.preventDefault();  // the words of a search stay; its filters go
    clearTimeout(typing);
    boxes.forEach(function (box) { box.checked = false; });
    if (from) from.value = "";
    if (to) to.value = "";
    if (mode === "browse") words.value = "";
    page = 1;
    layouts.forEach(function (layout) { layout(); });
    go(true);
  });
  pager.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-page]");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || e.button !== 0) return;
    e.preventDefault();
    page = parseInt(a.getAttribute("data-page"), 10);
    go(true);
    results.scrollIntoView();
    status.focus();
  });
  window.addEventListener("popstate", function () {
    restoreScroll = true;
    fromAddress();
    run();
  });

  /* Where the visitor was on the page, kept with the history entry, so Back to it returns there
     once its results are shown (they arrive after the browser would restore the position). */
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  var saving = null;
  window.addEventListener("scroll", function () {
    clearTimeout(saving);
    saving = setTimeout(function () {
      history.replaceState(Object.assign({}, history.state, { y: Math.round(window.scrollY) }), "");
    }, 150);
  }, { passive: true });

  if (panel && window.matchMedia("(max-width: 59.984375em)").matches) panel.open = false;  // phones: a tap away
  if (fallback) fallback.hidden = true;
  root.hidden = false;
  fromAddress();
  run(true);
})();
