/* The browse page: filter projects by facet (Pagefind filters), with counts, combined with words.
 *
 * External same-origin file (CSP: script-src 'self' 'wasm-unsafe-eval'; worker-src 'self';
 * connect-src 'self'). Within a facet the ticked values are alternatives (any of them); across
 * facets they must all hold. Years: projects that ran in any year of the from–to range.
 * Results are built with DOM methods; record text never goes through innerHTML.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-archive-browse]");
  if (!form) return;
  var results = document.querySelector("[data-browse-results]");
  var status = document.getElementById("archive-browse-status");
  var list = document.getElementById("archive-browse-list");
  var more = document.getElementById("archive-browse-more");
  var query = document.getElementById("archive-browse-q");
  var from = document.getElementById("archive-browse-from");
  var to = document.getElementById("archive-browse-to");
  var perPage = parseInt(form.getAttribute("data-per-page"), 10) || 50;
  var bundle = new URL(form.getAttribute("data-pagefind-bundle"), document.baseURI).href;
  var root = new URL(form.getAttribute("data-site-root"), document.baseURI).pathname;
  var pagefind = import(bundle + "pagefind.js").then(function (pf) {
    return pf.options({ baseUrl: root, excerptLength: 30 })
      .then(function () { return pf.filters(); })  // load every filter, so every facet gets counts
      .then(function () { return pf; });
  });
  var current = 0;
  var found = [];
  var shown = 0;

  function selectedFilters() {
    var filters = { type: { any: ["Project", "Programme"] } };
    form.querySelectorAll("fieldset[data-facet]").forEach(function (fs) {
      var key = fs.getAttribute("data-facet");
      if (key === "year") return;
      var values = [];
      fs.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) { values.push(box.value); });
      if (values.length) filters[key] = { any: values };
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
        filters.year = { any: years.length ? years : ["none"] };
      }
    }
    return filters;
  }

  function updateCounts(counts) {
    form.querySelectorAll("fieldset[data-facet] input[type=checkbox]").forEach(function (box) {
      var key = box.name;
      var n = (counts[key] && counts[key][box.value]) || 0;
      var label = form.querySelector('label[for="' + box.id + '"] .archive-browse__count');
      if (label) label.textContent = "(" + n + ")";
    });
  }

  function card(data) {
    var li = document.createElement("li");
    li.className = "archive-card";
    var h = document.createElement("h3");
    h.className = "archive-card__title";
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = (data.meta && data.meta.title) || data.url;
    h.appendChild(a);
    li.appendChild(h);
    var p = document.createElement("p");
    p.className = "archive-card__summary";
    p.textContent = (data.meta && data.meta.summary) || "";
    li.appendChild(p);
    return li;
  }

  function showMore(ticket) {
    var next = found.slice(shown, shown + perPage);
    shown += next.length;
    more.hidden = true;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (data) {
      if (ticket !== current) return;
      data.forEach(function (d) { list.appendChild(card(d)); });
      more.hidden = shown >= found.length;
    });
  }

  function run() {
    var ticket = ++current;
    var words = query.value.trim();
    var filters = selectedFilters();
    status.textContent = "Looking…";
    results.removeAttribute("data-settled");
    pagefind.then(function (pf) {
      var options = { filters: filters };
      if (!words) options.sort = { start: "desc" };
      /* A ticked value widens its own facet (any of them), so each facet with ticks is counted
         by a search without its own ticks: the count says what ticking that value would add. */
      var own = Object.keys(filters).filter(function (k) { return k !== "type" && k !== "year"; });
      return Promise.all([pf.search(words || null, options)].concat(own.map(function (key) {
        var without = Object.assign({}, filters);
        delete without[key];
        return pf.search(words || null, { filters: without });
      }))).then(function (all) {
        var counts = Object.assign({}, all[0].filters);
        own.forEach(function (key, i) { counts[key] = all[i + 1].filters[key] || {}; });
        all[0].facetCounts = counts;
        return all[0];
      });
    }).then(function (search) {
      if (ticket !== current || !search) return null;
      found = search.results;
      shown = 0;
      list.replaceChildren();
      updateCounts(search.facetCounts || {});
      var n = found.length;
      status.textContent = n === 0 ? "No projects match." : n === 1 ? "1 project matches." : n + " projects match.";
      return showMore(ticket);
    }).then(function () {
      if (ticket === current) results.setAttribute("data-settled", "");
    }).catch(function () {
      if (ticket === current) status.textContent = "Filtering is not available right now; use the listings above.";
    });
  }

  var timer = null;
  function soon() {
    results.removeAttribute("data-settled");  // what is shown no longer answers the form
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  }
  form.addEventListener("change", soon);
  form.addEventListener("input", soon);
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });
  form.addEventListener("reset", function () { results.removeAttribute("data-settled"); setTimeout(run, 0); });
  more.addEventListener("click", function () {
    var ticket = current;
    results.removeAttribute("data-settled");
    showMore(ticket).then(function () { if (ticket === current) results.setAttribute("data-settled", ""); });
  });

  form.hidden = false;
  results.hidden = false;
  run();
})();
