"""The HTML report in a real headless browser (Debian's chromium).

Chromium is driven over the DevTools protocol through ``--remote-debugging-pipe``
(file descriptors 3 and 4, NUL-separated JSON), so no websocket or selenium
package is needed. Chromium is installed with apt-get when missing and we are
root; otherwise the tests are skipped with the reason.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

fcntl = pytest.importorskip("fcntl", reason="the DevTools pipe transport needs POSIX file descriptors")

try:
    from tests.validation import review_fixtures as fx
except ImportError:  # pragma: no cover - tests/ not importable as a package
    import review_fixtures as fx  # type: ignore[no-redef]

from trialaudit.validation.report import render_html

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
]


def _install_chromium() -> str | None:
    path = shutil.which("chromium")
    if path:
        return path
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            subprocess.run(["apt-get", "update"], check=True, env=env, timeout=900,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run(["apt-get", "install", "-y", "chromium", "chromium-driver"], check=True, env=env,
                           timeout=1800, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (subprocess.SubprocessError, OSError):
            return None
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def chromium_path() -> str:
    if sys.platform == "win32":
        pytest.skip("the DevTools pipe transport needs POSIX file descriptors")
    path = _install_chromium()
    if not path:
        pytest.skip("chromium is not installed and could not be installed (needs root and apt-get)")
    return path


_TRAMPOLINE = ("import os, sys; i, o = int(sys.argv[1]), int(sys.argv[2]); os.dup2(i, 3); os.dup2(o, 4); "
               "os.close(i); os.close(o); os.execv(sys.argv[3], sys.argv[3:])")


class DevTools:
    """A minimal DevTools-protocol client over chromium's debugging pipe."""

    def __init__(self, chromium: str, profile_dir: str):
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()
        # chromium reads commands on fd 3 and writes answers on fd 4: move our ends out of the way
        # (to fds >= 10), then a tiny Python trampoline puts them on 3 and 4 and execs chromium
        child_in, child_out = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
        os.close(to_r)
        os.close(from_w)
        argv = [chromium, *CHROMIUM_FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile_dir}",
                "about:blank"]
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _TRAMPOLINE, str(child_in), str(child_out), *argv],
            pass_fds=(child_in, child_out), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(child_in)
        os.close(child_out)
        self._buf = b""
        self._next = 0
        self.events: list[dict] = []

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for fd in (self._to_w, self._from_r):
            try:
                os.close(fd)
            except OSError:
                pass

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            ready, _, _ = select.select([self._from_r], [], [], left)
            if ready:
                chunk = os.read(self._from_r, 1 << 20)
                if not chunk:
                    raise ConnectionError("chromium closed the debugging pipe")
                self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30) -> dict:
        self._next += 1
        msg: dict = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self._next:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        while True:
            m = self._read_message(deadline)
            if m.get("method") == method:
                return m
            self.events.append(m)


class Page:
    def __init__(self, dt: DevTools, width: int = 1280, height: int = 2000):
        self.dt = dt
        target = dt.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = dt.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.dt.send(method, params, session=self.session)

    def goto(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})
        self.dt.wait_event("Page.loadEventFired")

    def js(self, expression: str):
        res = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in res:
            raise AssertionError(f"JS error in test expression: {res['exceptionDetails']}")
        return res["result"].get("value")

    def click(self, selector: str) -> None:
        box = self.js(f"""(() => {{ const el = document.querySelector({json.dumps(selector)});
            el.scrollIntoView({{block: 'center'}}); const r = el.getBoundingClientRect();
            return [r.left + r.width / 2, r.top + r.height / 2]; }})()""")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent",
                      {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1})

    def type_into(self, selector: str, text: str) -> None:
        self.js(f"(() => {{ const el = document.querySelector({json.dumps(selector)}); el.focus(); el.select(); }})()")
        self.send("Input.insertText", {"text": text})

    def errors(self) -> list[str]:
        out = []
        for e in self.dt.events:
            if e.get("sessionId") != self.session:
                continue
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(json.dumps(p.get("exceptionDetails", {}))[:500])
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(json.dumps(p.get("args", []))[:500])
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(p["entry"].get("text", "")[:500])
            elif m == "Page.javascriptDialogOpening":
                out.append(f"dialog opened: {p.get('message')}")
        return out

    def visible(self, selector: str = ".finding") -> list[dict]:
        return self.js(f"""Array.from(document.querySelectorAll({json.dumps(selector)}))
            .filter(el => el.offsetParent !== null)
            .map(el => ({{id: el.id, severity: el.dataset.severity, code: el.dataset.code}}))""")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(fx.build_run(), fx.build_documents()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    profile = tempfile.mkdtemp(prefix="trialaudit-chromium-")
    dt = DevTools(chromium_path, profile)
    try:
        dt.send("Browser.getVersion", timeout=60)
    except Exception as exc:  # pragma: no cover - broken chromium install
        dt.close()
        shutil.rmtree(profile, ignore_errors=True)
        pytest.skip(f"chromium did not start: {exc}")
    yield dt
    dt.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture()
def page(browser, report_file) -> Page:
    p = Page(browser)
    p.goto(report_file.as_uri())
    deadline = time.monotonic() + 10
    while p.js("document.documentElement.dataset.ready") != "1":
        if time.monotonic() > deadline:
            raise AssertionError(f"report script never ran; errors: {p.errors()}")
        time.sleep(0.05)
    return p


N_FINDINGS = sum(len(a.findings) for a in fx.build_run().articles)


def test_loads_without_console_errors_or_injection(page):
    assert page.errors() == []
    assert len(page.visible()) == N_FINDINGS
    # only the report's own two script elements; nothing from the article became markup
    assert page.js("document.scripts.length") == 2
    assert page.js("document.querySelectorAll('[onerror], img').length") == 0
    assert page.js("typeof window.alert") == "function"
    # the embedded JSON is lossless despite the escaping
    titles = page.js("JSON.parse(document.getElementById('report-data').textContent).articles.map(a => a.title)")
    assert fx.XSS_SCRIPT in titles[1] and fx.XSS_ATTR in titles[1]
    # the malicious title is shown as text
    h2 = page.js("document.querySelector('#art-1 h2').textContent")
    assert fx.XSS_SCRIPT in h2


def test_severity_checkboxes_hide_findings(page):
    page.click("#filter-severity-error")
    assert page.js("document.getElementById('filter-severity-error').checked") is False
    vis = page.visible()
    assert vis and all(v["severity"] != "error" for v in vis)
    n_err = sum(1 for a in fx.build_run().articles for f in a.findings if f.severity == "error")
    assert len(vis) == N_FINDINGS - n_err
    assert page.js("document.getElementById('visible-count').textContent").startswith(f"{N_FINDINGS - n_err} of")
    page.click("#filter-severity-warning")
    page.click("#filter-severity-info")
    assert page.visible() == []
    page.click("#filter-reset")
    assert len(page.visible()) == N_FINDINGS
    assert page.errors() == []


def test_code_select_and_search_narrow_the_list(page):
    page.js("""(() => { const s = document.getElementById('filter-code');
        s.value = 'arithmetic.percent-vs-count'; s.dispatchEvent(new Event('change')); })()""")
    vis = page.visible()
    assert len(vis) == 2 and {v["code"] for v in vis} == {"arithmetic.percent-vs-count"}
    page.type_into("#search", "45.3")
    vis = page.visible()
    assert [v["id"] for v in vis] == ["art-0-f3"]
    page.click("#filter-reset")
    page.type_into("#search", "ChiCTR2000031234")
    assert [v["code"] for v in page.visible()] == ["registry.id-mismatch"]
    page.type_into("#search", "camrelizumab")  # article title matches every finding of that article
    assert len(page.visible()) == len(fx.nsclc_findings())
    page.type_into("#search", "no such text anywhere")
    assert page.visible() == []
    assert page.js("document.getElementById('art-0').classList.contains('all-filtered')") is True
    assert page.errors() == []


def test_cell_and_finding_links_both_ways(page):
    # finding #3 (percent vs count) -> highlighted PR cell of the observation group
    href = page.js("document.querySelector('#art-0-f3 .cell-link').getAttribute('href')")
    cell = page.js(f"(() => {{ const c = document.querySelector({json.dumps(href)});"
                   " return c && {text: c.firstChild.textContent, cls: c.className, back: c.dataset.findings}; })()")
    assert cell["text"] == "26 (45.3)" and "hl" in cell["cls"] and "art-0-f3" in cell["back"].split()
    # hide warnings, then follow the cell's backlink: the filters reset and the finding shows
    page.click("#filter-severity-warning")
    assert page.js("document.getElementById('art-0-f3').hidden") is True
    page.click(f"{href} .backlink[href='#art-0-f3']")
    assert page.js("document.getElementById('art-0-f3').hidden") is False
    assert page.js("location.hash") == "#art-0-f3"
    assert page.errors() == []


def test_screenshot(chromium_path, report_file, tmp_path):
    shot = tmp_path / "report.png"
    profile = tmp_path / "profile"
    subprocess.run([chromium_path, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}",
                    "--window-size=1280,2000", report_file.as_uri()],
                   check=False, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert shot.exists(), "chromium wrote no screenshot"
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    print(f"report screenshot: {shot}")


# --------------------------------------------------------------------------- decisions, links, search, URL filters

def _wait(page: Page, expr: str, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while True:
        v = page.js(expr)
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expr}; errors: {page.errors()}")
        time.sleep(0.05)


def _reload(page: Page, url: str) -> None:
    page.js("document.documentElement.removeAttribute('data-ready')")
    page.send("Page.reload", {"ignoreCache": True})
    page.dt.wait_event("Page.loadEventFired")
    _wait(page, "document.documentElement.dataset.ready === '1'")


def test_decide_reload_export_import(browser, report_file, tmp_path):
    from trialaudit.validation.review import (import_decisions, load_checklist, read_decisions_file,
                                                 write_checklist)

    page = Page(browser)
    page.goto(report_file.as_uri())
    _wait(page, "document.documentElement.dataset.ready === '1'")
    page.js("localStorage.clear()")
    _reload(page, report_file.as_uri())
    page.type_into("#reviewer", "Ann")
    page.js("document.getElementById('reviewer').dispatchEvent(new Event('change'))")
    # finding 1: query first, then confirm with a note -> history keeps the query
    page.click("#art-0-f1 .decide-btn[data-decision='query-authors']")
    page.type_into("#art-0-f1 .decide-note", "62 is not 60")
    page.click("#art-0-f1 .decide-btn[data-decision='confirmed']")
    page.click("#art-0-f3 .decide-btn[data-decision='dismissed']")
    assert page.js("document.body.dataset.decided") == "2"
    assert page.js("document.querySelector('#art-0-f1 .decide-btn[data-decision=confirmed]')"
                   ".getAttribute('aria-pressed')") == "true"
    # decisions survive a reload
    _reload(page, report_file.as_uri())
    assert page.js("document.body.dataset.decided") == "2"
    assert page.js("document.querySelector('#art-0-f1 .decide-note').value") == "62 is not 60"
    assert "confirmed by Ann" in page.js("document.querySelector('#art-0-f1 .decide-state').textContent")
    # export downloads the decisions file
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    page.click("#export-decisions")
    deadline = time.monotonic() + 20
    files: list[Path] = []
    while time.monotonic() < deadline:
        files = [p for p in downloads.iterdir() if p.suffix == ".json"]
        if files:
            break
        time.sleep(0.1)
    assert files, f"no download; errors: {page.errors()}"
    exported = json.loads(files[0].read_text())
    assert exported["format"] == "trialaudit-decisions" and len(exported["decisions"]) == 2
    # import into the article's checklist keeps every decision, reviewer and time
    ck_dir = tmp_path / "checklists"
    path = Path(write_checklist(ck_dir, fx.nsclc_result()).path)
    added, missing = import_decisions(path, read_decisions_file(files[0]))
    # f1: query, the note added to the query, confirmed; f3: dismissed
    assert missing == [] and added == 4
    cl = load_checklist(path)
    by_fp = {it.fingerprint: it for it in cl.items if it.fingerprint}
    f1, f3 = fx.nsclc_findings()[0], fx.nsclc_findings()[1]
    it1 = by_fp[f1.fingerprint]
    assert (it1.decision, it1.note, it1.reviewer) == ("confirmed", "62 is not 60", "Ann")
    assert [(h.decision, h.note, h.reviewer) for h in it1.history] == [
        ("query-authors", None, "Ann"), ("query-authors", "62 is not 60", "Ann")]
    assert it1.decided_at is not None and it1.history[0].decided_at <= it1.decided_at
    assert by_fp[f3.fingerprint].decision == "dismissed"
    assert page.errors() == []
    page.js("localStorage.clear()")


def test_cell_link_lands_below_the_sticky_bar(page):
    page.js("window.scrollTo(0, 0)")
    page.click("#art-0-f3 .cell-link")
    time.sleep(0.3)
    geo = page.js("""(() => { const href = document.querySelector('#art-0-f3 .cell-link').getAttribute('href');
        const c = document.querySelector(href).getBoundingClientRect();
        const bar = document.getElementById('filters').getBoundingClientRect();
        return {top: c.top, bottom: c.bottom, bar: bar.bottom, h: window.innerHeight}; })()""")
    assert geo["top"] >= geo["bar"] and geo["bottom"] <= geo["h"], geo


def test_phrase_search_and_filters_in_the_url(page, report_file):
    page.type_into("#search", '"43.3%, not"')
    assert [v["id"] for v in page.visible()] == ["art-0-f3"]
    page.type_into("#search", '"not 43.3%"')
    assert page.visible() == []
    page.click("#filter-severity-info")
    h = page.js("location.hash")
    assert h.startswith("#filter:") and "sev=error,warning" in h and "q=" in h
    _reload(page, report_file.as_uri())
    assert page.js("document.getElementById('search').value") == '"not 43.3%"'
    assert page.js("document.getElementById('filter-severity-info').checked") is False
    page.click("#filter-reset")
    assert page.js("location.hash") == ""
    assert len(page.visible()) == N_FINDINGS


def test_details_are_text_not_json(page):
    dl = page.js("document.querySelector('#art-0 .details-list').textContent")
    assert "Max row" in dl and "25" in dl and "{" not in dl
