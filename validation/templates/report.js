(function () {
  "use strict";
  var doc = document;
  var toArray = function (list) { return Array.prototype.slice.call(list); };
  var findings = toArray(doc.querySelectorAll(".finding"));
  var articles = toArray(doc.querySelectorAll("article.article"));
  var cells = toArray(doc.querySelectorAll(".article-table .hl[data-findings]"));
  var sevBoxes = toArray(doc.querySelectorAll("input[data-filter-severity]"));
  var codeSelect = doc.getElementById("filter-code");
  var search = doc.getElementById("search");
  var counter = doc.getElementById("visible-count");
  var reset = doc.getElementById("filter-reset");

  // Search text of each finding: its own text plus its article's title and id.
  var texts = findings.map(function (f) {
    var art = f.closest("article.article");
    var head = art ? art.querySelector(".article-header") : null;
    return ((head ? head.textContent : "") + " " + f.textContent).toLowerCase().replace(/\s+/g, " ");
  });

  function apply() {
    var allowed = {};
    sevBoxes.forEach(function (b) { allowed[b.value] = b.checked; });
    var code = codeSelect ? codeSelect.value : "";
    var terms = search ? search.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var shown = 0;
    findings.forEach(function (f, i) {
      var ok = allowed[f.getAttribute("data-severity")] !== false &&
        (!code || f.getAttribute("data-code") === code) &&
        terms.every(function (t) { return texts[i].indexOf(t) !== -1; });
      f.hidden = !ok;
      if (ok) { shown += 1; }
    });
    articles.forEach(function (a) {
      var all = a.querySelectorAll(".finding").length;
      var visible = a.querySelectorAll(".finding:not([hidden])").length;
      var out = a.querySelector(".article-visible");
      if (out) { out.textContent = visible + " of " + all + " findings shown"; }
      a.classList.toggle("all-filtered", all > 0 && visible === 0);
    });
    cells.forEach(function (c) {
      var ids = (c.getAttribute("data-findings") || "").split(" ");
      var live = ids.some(function (id) {
        var el = id ? doc.getElementById(id) : null;
        return el !== null && !el.hidden;
      });
      c.classList.toggle("hl-muted", !live);
    });
    if (counter) { counter.textContent = shown + " of " + findings.length + " findings shown"; }
    doc.body.setAttribute("data-visible", String(shown));
  }

  function resetFilters() {
    sevBoxes.forEach(function (b) { b.checked = true; });
    if (codeSelect) { codeSelect.value = ""; }
    if (search) { search.value = ""; }
    apply();
  }

  function flash(el) {
    el.classList.add("flash");
    window.setTimeout(function () { el.classList.remove("flash"); }, 1600);
  }

  sevBoxes.forEach(function (b) { b.addEventListener("change", apply); });
  if (codeSelect) { codeSelect.addEventListener("change", apply); }
  if (search) { search.addEventListener("input", apply); }
  if (reset) { reset.addEventListener("click", resetFilters); }

  // Following a link to a finding hidden by the filters clears the filters first.
  doc.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("a[href^='#']") : null;
    if (!a) { return; }
    var target = doc.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    if (!target) { return; }
    if (target.classList.contains("finding") && target.hidden) { resetFilters(); }
    flash(target);
  });

  // "/" focuses the search box.
  doc.addEventListener("keydown", function (e) {
    if (e.key === "/" && search && doc.activeElement !== search &&
        !/^(INPUT|SELECT|TEXTAREA)$/.test(doc.activeElement ? doc.activeElement.tagName : "")) {
      e.preventDefault();
      search.focus();
    }
  });

  apply();
  doc.documentElement.setAttribute("data-ready", "1");
})();
