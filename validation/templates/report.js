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
  var toolbar = doc.getElementById("filters");
  var HASH_PREFIX = "#filter:";

  // Search: words match anywhere, "quoted phrases" match as written (spaces collapsed).
  function searchTerms(value) {
    var terms = [];
    var rest = String(value || "").toLowerCase().replace(/"([^"]*)"?/g, function (_, phrase) {
      var p = phrase.replace(/\s+/g, " ").trim();
      if (p) { terms.push(p); }
      return " ";
    });
    rest.split(/\s+/).forEach(function (t) { if (t) { terms.push(t); } });
    return terms;
  }

  // Filters live in the URL hash (#filter:sev=error,warning&code=TA101&q=...), so a filtered view can be
  // bookmarked, shared and survives a reload.
  function filterState() {
    var off = sevBoxes.filter(function (b) { return !b.checked; }).map(function (b) { return b.value; });
    var parts = [];
    if (off.length) {
      parts.push("sev=" + sevBoxes.filter(function (b) { return b.checked; })
        .map(function (b) { return b.value; }).join(","));
    }
    if (codeSelect && codeSelect.value) { parts.push("code=" + encodeURIComponent(codeSelect.value)); }
    if (search && search.value) { parts.push("q=" + encodeURIComponent(search.value)); }
    return parts.join("&");
  }

  function writeHash() {
    var state = filterState();
    var current = window.location.hash;
    var url = window.location.pathname + window.location.search;
    try {
      if (state) {
        if (current !== HASH_PREFIX + state) { window.history.replaceState(null, "", url + HASH_PREFIX + state); }
      } else if (current.indexOf(HASH_PREFIX) === 0) {
        window.history.replaceState(null, "", url);
      }
    } catch (err) { /* some browsers refuse replaceState on file: URLs; the filters still work */ }
  }

  function readHash() {
    var h = window.location.hash;
    if (h.indexOf(HASH_PREFIX) !== 0) { return false; }
    var params = {};
    h.slice(HASH_PREFIX.length).split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) { params[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1)); }
    });
    var sev = params.sev !== undefined ? params.sev.split(",") : null;
    sevBoxes.forEach(function (b) { b.checked = sev === null || sev.indexOf(b.value) !== -1; });
    if (codeSelect) { codeSelect.value = params.code || ""; }
    if (search) { search.value = params.q || ""; }
    return true;
  }

  // Search text of each finding: its own text plus its article's title and id.
  var texts = findings.map(function (f) {
    var art = f.closest("article.article");
    var head = art ? art.querySelector(".article-header") : null;
    return ((head ? head.textContent : "") + " " + f.textContent).toLowerCase().replace(/\s+/g, " ");
  });

  function apply(keepHash) {
    var allowed = {};
    sevBoxes.forEach(function (b) { allowed[b.value] = b.checked; });
    var code = codeSelect ? codeSelect.value : "";
    var terms = search ? searchTerms(search.value) : [];
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
    if (keepHash !== true) { writeHash(); }
  }

  // Anchored targets land below the sticky filter bar, whatever its height (it wraps on narrow screens).
  function fitScrollPadding() {
    var h = toolbar ? toolbar.getBoundingClientRect().height : 0;
    doc.documentElement.style.scrollPaddingTop = Math.ceil(h + 16) + "px";
  }
  fitScrollPadding();
  window.addEventListener("resize", fitScrollPadding);

  function reveal(target) {
    var d = target.parentElement ? target.parentElement.closest("details") : null;
    while (d) {
      d.open = true;
      d = d.parentElement ? d.parentElement.closest("details") : null;
    }
    fitScrollPadding();
    target.scrollIntoView({ block: "start", inline: "nearest" });
    var box = target.closest(".table-scroll");
    if (box) {  // wide tables: bring the cell into the horizontal view as well
      var r = target.getBoundingClientRect();
      var b = box.getBoundingClientRect();
      if (r.left < b.left || r.right > b.right) { box.scrollLeft += r.left - b.left - (b.width - r.width) / 2; }
    }
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
  window.addEventListener("hashchange", function () { if (readHash()) { apply(true); } });
  if (reset) { reset.addEventListener("click", resetFilters); }

  // Following a link to a finding hidden by the filters clears the filters first.
  doc.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("a[href^='#']") : null;
    if (!a) { return; }
    var target = doc.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    if (!target) { return; }
    if (target.classList.contains("finding") && target.hidden) { resetFilters(); }
    e.preventDefault();
    try {
      window.history.pushState(null, "", window.location.pathname + window.location.search + a.getAttribute("href"));
    } catch (err) { window.location.hash = a.getAttribute("href"); }
    reveal(target);
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

  // ------------------------------------------------------------------ reviewer decisions
  // Kept in the browser's localStorage (per report) across reloads; exported as the decisions file that
  // `trialaudit checklist ARTICLE -o DIR --import FILE` reads. Every change keeps the earlier decision.
  var dataEl = doc.getElementById("report-data");
  var reportKey = dataEl ? dataEl.getAttribute("data-report-key") : "";
  var STORE = "trialaudit:decisions:" + reportKey;
  var reviewerBox = doc.getElementById("reviewer");
  var exportBtn = doc.getElementById("export-decisions");
  var decidedCount = doc.getElementById("decided-count");
  var toolInfo = {};
  try { toolInfo = JSON.parse(dataEl.textContent).tool || {}; } catch (err) { toolInfo = {}; }

  function storage() {
    try { return window.localStorage; } catch (err) { return null; }
  }
  function load() {
    var st = storage();
    if (!st) { return {}; }
    try { return JSON.parse(st.getItem(STORE) || "{}") || {}; } catch (err) { return {}; }
  }
  var decisions = load();
  function save() {
    var st = storage();
    if (st) { st.setItem(STORE, JSON.stringify(decisions)); }
  }
  function keyOf(f) { return f.getAttribute("data-article-id") + "/" + f.getAttribute("data-fingerprint"); }

  if (reviewerBox) {
    var st0 = storage();
    reviewerBox.value = (st0 && st0.getItem("trialaudit:reviewer")) || "";
    reviewerBox.addEventListener("change", function () {
      var st = storage();
      if (st) { st.setItem("trialaudit:reviewer", reviewerBox.value.trim()); }
    });
  }

  function show(f) {
    var rec = decisions[keyOf(f)];
    var current = rec ? rec.decision : "unreviewed";
    toArray(f.querySelectorAll(".decide-btn")).forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-decision") === current));
    });
    var note = f.querySelector(".decide-note");
    if (note && doc.activeElement !== note) { note.value = rec && rec.note ? rec.note : ""; }
    var state = f.querySelector(".decide-state");
    if (state) {
      state.textContent = rec && current !== "unreviewed"
        ? current + (rec.reviewer ? " by " + rec.reviewer : "") + " · " + rec.decided_at.slice(0, 16).replace("T", " ")
        : "";
    }
    f.classList.toggle("decided", current !== "unreviewed");
    f.setAttribute("data-decision", current);
  }

  function countDecided() {
    var n = Object.keys(decisions).filter(function (k) { return decisions[k].decision !== "unreviewed"; }).length;
    if (decidedCount) { decidedCount.textContent = String(n); }
    doc.body.setAttribute("data-decided", String(n));
  }

  function decide(f, decision, note) {
    var k = keyOf(f);
    var old = decisions[k];
    var reviewer = reviewerBox ? reviewerBox.value.trim() : "";
    var rec = {
      article_id: f.getAttribute("data-article-id"),
      fingerprint: f.getAttribute("data-fingerprint"),
      code: f.getAttribute("data-code"),
      decision: decision,
      note: note === undefined ? (old ? old.note : null) : (note || null),
      reviewer: reviewer || null,
      decided_at: new Date().toISOString(),
      history: old ? (old.history || []).concat([{
        decision: old.decision, note: old.note, reviewer: old.reviewer, decided_at: old.decided_at
      }]) : []
    };
    decisions[k] = rec;
    save();
    show(f);
    countDecided();
  }

  findings.forEach(function (f) {
    toArray(f.querySelectorAll(".decide-btn")).forEach(function (b) {
      b.addEventListener("click", function () {
        var rec = decisions[keyOf(f)];
        var d = b.getAttribute("data-decision");
        var noteBox = f.querySelector(".decide-note");
        // pressing the current decision again takes it back (recorded as 'unreviewed', with history)
        decide(f, rec && rec.decision === d ? "unreviewed" : d, noteBox ? noteBox.value : undefined);
      });
    });
    var note = f.querySelector(".decide-note");
    if (note) {
      note.addEventListener("change", function () {
        var rec = decisions[keyOf(f)];
        if (rec && (rec.note || "") !== note.value) { decide(f, rec.decision, note.value); }
      });
    }
    show(f);
  });
  countDecided();

  function exportDecisions() {
    var list = Object.keys(decisions).sort().map(function (k) { return decisions[k]; });
    var payload = {
      format: "trialaudit-decisions", version: 1, exported_at: new Date().toISOString(),
      tool: toolInfo, report: reportKey, decisions: list
    };
    var text = JSON.stringify(payload, null, 2) + "\n";
    var blob = new Blob([text], { type: "application/json" });
    var a = doc.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "trialaudit-decisions-" + new Date().toISOString().slice(0, 10) + ".json";
    doc.body.appendChild(a);
    a.click();
    window.setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    doc.body.setAttribute("data-exported", String(list.length));
    return text;
  }
  if (exportBtn) { exportBtn.addEventListener("click", exportDecisions); }
  window.addEventListener("storage", function (e) {  // another tab of the same report
    if (e.key === STORE) { decisions = load(); findings.forEach(show); countDecided(); }
  });

  var fromHash = readHash();
  apply(!fromHash);
  if (!fromHash && window.location.hash.length > 1) {
    var first = doc.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (first) { reveal(first); }
  }
  doc.documentElement.setAttribute("data-ready", "1");
})();
