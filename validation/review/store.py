"""Checklist files: YAML read and validated, written atomically under a lock, with their Markdown and CSV views."""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from pydantic import ValidationError

from trialaudit.extractor.export import output_mode
from trialaudit.schemas.checklist import (DECISIONS, Checklist, ChecklistStatus, ChecklistUpdate)
from trialaudit.schemas.findings import ArticleResult, ToolInfo

from .model import (SUFFIX, ChecklistError, build_checklist, merge_checklists, reviewer_votes, stamp_hand_edits)
from .views import _csv_bytes, _rows, render_checklist_markdown

try:  # advisory locking between trialaudit processes (POSIX)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


# --------------------------------------------------------------------------- YAML

_HEADER = """\
# trialaudit audit checklist. This YAML file is the source of truth: the .md and
# .csv files beside it are regenerated from it on every write.
# For each item set `decision` to one of: confirmed, dismissed, query-authors, unreviewed
# and fill in `note` and `reviewer` (or use: trialaudit checklist ... --decide ITEM DECISION).
# The file is validated when read; unknown fields are rejected.
"""

_ALWAYS = {"decision", "note", "reviewer", "decided_at"}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: same marks, much faster


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False):  # noqa: D401
        return super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)


def _prune(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k in _ALWAYS or v not in (None, [], {}, False)}


def dump_checklist(cl: Checklist) -> str:
    data = cl.model_dump(mode="json")
    data["items"] = [_prune(i) for i in data["items"]]
    data["resolved"] = [_prune(i) for i in data["resolved"]]
    for lst in (data["items"], data["resolved"]):
        for i in lst:
            if "evidence" in i:
                i["evidence"] = [{k: v for k, v in e.items() if v is not None} for e in i["evidence"]]
            if "history" in i:
                i["history"] = [{k: v for k, v in h.items() if v is not None} for h in i["history"]]
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000,
                     default_flow_style=False)
    return _HEADER + body + END_MARKER + "\n"


#: the last line trialaudit writes; a file without it was cut off (only blank lines and comments may follow)
END_MARKER = "# end of checklist"
#: checklists are small; anything larger is refused before YAML parsing
MAX_CHECKLIST_BYTES = 10_000_000


def _check_complete(text: str, name: str, path: Path | str) -> None:
    lines = text.splitlines()
    for i in range(len(lines) - 1, -1, -1):
        ln = lines[i].strip()
        if ln == END_MARKER:
            return
        if ln and not ln.startswith("#"):
            break
    raise ChecklistError(f"{name}: incomplete checklist: the last line '{END_MARKER}' is missing, so the file was "
                         "cut off (or written by something else); restore it from the .bak beside it "
                         f"or add the line '{END_MARKER}' after checking that no item is missing", Path(path))


def _refuse_aliases(root: yaml.Node | None, name: str, path: Path | str) -> None:
    """YAML anchors/aliases are never written by trialaudit; an aliased node (e.g. a 'billion laughs' bomb,
    which expands exponentially when validated) is refused. Shared nodes are found without expanding them."""
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            line = node.start_mark.line + 1 if node.start_mark else None
            raise ChecklistError(f"{name} line {line}: YAML aliases (*name) are not allowed in a checklist",
                                 Path(path), line)
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend((k, v))


# text fields: a scalar YAML would read as a bool, number or date ("no", "1.0") is kept as written
_TEXT_FIELDS = {
    "article_id", "source", "title", "tool", "id", "note", "reviewer", "tool_assessment", "fingerprint", "code",
    "family", "message", "observed", "expected", "computation", "guidance", "quote", "where", "finding",
    "decision",
}


def _node_child(node: yaml.Node, key: Any) -> tuple[yaml.Node | None, yaml.Node | None]:
    """(key node, value node) of ``key`` in ``node``."""
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return k, v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return None, node.value[key]
    return None, None


def _node_line(root: yaml.Node | None, loc: Iterable[Any], key_line: bool = False) -> int | None:
    """1-based line of the deepest node of ``loc`` that exists."""
    if root is None:
        return None
    node: yaml.Node = root
    line = node.start_mark.line + 1
    for part in loc:
        k, v = _node_child(node, part)
        if v is None:
            break
        node = v
        line = ((k if key_line and k is not None else v).start_mark.line + 1)
    return line


def _duplicate_key(node: yaml.Node | None) -> tuple[str, int] | None:
    """The first key written twice in one mapping (YAML would silently keep the last)."""
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            seen: set[str] = set()
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        return k.value, k.start_mark.line + 1
                    seen.add(k.value)
                stack.append(v)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)
    return None


def _restore_text(data: Any, node: yaml.Node | None) -> Any:
    """Put back the written text of text fields that YAML resolved to non-strings."""
    if isinstance(data, dict) and isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode) or k.value not in data:
                continue
            val = data[k.value]
            if k.value in _TEXT_FIELDS and isinstance(v, yaml.ScalarNode) and val is not None \
                    and not isinstance(val, str):
                data[k.value] = v.value
            elif k.value not in ("study", "facts"):
                _restore_text(val, v)
    elif isinstance(data, list) and isinstance(node, yaml.SequenceNode):
        for d, n in zip(data, node.value):
            _restore_text(d, n)
    return data


def _describe_error(err: dict[str, Any], data: Any) -> tuple[str, tuple[Any, ...], bool]:
    """(message, location, point at the key rather than the value)."""
    loc = tuple(err.get("loc", ()))
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    typ = err.get("type", "")
    value = err.get("input")
    where = ""
    if len(loc) >= 2 and loc[0] in ("items", "resolved") and isinstance(loc[1], int):
        try:
            iid = data[loc[0]][loc[1]].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            iid = None
        if iid:
            where = f" (item {iid})"
    if typ == "literal_error" and field == "decision":
        return f"decision '{value}' is not one of {', '.join(DECISIONS)}{where}", loc, False
    if typ == "literal_error":
        return f"{field} '{value}' is not allowed: {err.get('msg')}{where}", loc, False
    if typ == "extra_forbidden":
        return f"unknown field '{field}'{where}", loc, True
    if typ == "missing":
        return f"missing required field '{field}'{where}", loc[:-1], False
    return f"{field or 'value'}: {err.get('msg')}{where}", loc, False


_ERROR_PRIORITY = {"extra_forbidden": 0, "literal_error": 1, "missing": 5}


def parse_checklist(text: str, path: Path | str = "checklist.yaml") -> Checklist:
    """Validate YAML text as a checklist; errors name the file and line."""
    name = Path(path).name
    if len(text) > MAX_CHECKLIST_BYTES:
        raise ChecklistError(f"{name}: {len(text)} characters is too large for a checklist "
                             f"(limit {MAX_CHECKLIST_BYTES}); not read", Path(path))
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        ctx = ""
        if e.context and e.context_mark is not None and e.context_mark.line + 1 != line:
            ctx = f" ({e.context} started on line {e.context_mark.line + 1})"
        raise ChecklistError(f"{name} line {line}: invalid YAML: {e.problem or e.context}{ctx}",
                             Path(path), line) from None
    except yaml.YAMLError as e:
        raise ChecklistError(f"{name}: invalid YAML: {e}", Path(path)) from None
    _refuse_aliases(root, name, path)
    dup = _duplicate_key(root)
    if dup is not None:
        key, line = dup
        raise ChecklistError(f"{name} line {line}: duplicate key '{key}'", Path(path), line)
    if not isinstance(data, dict):
        line = _node_line(root, ()) or 1
        raise ChecklistError(f"{name} line {line}: expected a mapping with article_id and items", Path(path), line)
    _restore_text(data, root)
    # duplicate ids, with the line of the second one
    seen: dict[str, str] = {}
    for part in ("items", "resolved"):
        for i, it in enumerate(data.get(part) or []):
            iid = it.get("id") if isinstance(it, dict) else None
            if isinstance(iid, str):
                if iid in seen:
                    line = _node_line(root, (part, i, "id"))
                    raise ChecklistError(f"{name} line {line}: duplicate item id '{iid}'", Path(path), line)
                seen[iid] = part
    try:
        cl = Checklist.model_validate(data)
    except ValidationError as e:
        described = []
        for err in e.errors():
            msg, loc, key_line = _describe_error(err, data)
            line = _node_line(root, loc, key_line=key_line)
            described.append((line or 0, _ERROR_PRIORITY.get(err.get("type", ""), 9), msg))
        line, _, msg = min(described)  # the first problem in the file; a misspelt key before what it lacks
        more = f" (and {e.error_count() - 1} more problem{'s' if e.error_count() > 2 else ''})" \
            if e.error_count() > 1 else ""
        raise ChecklistError(f"{name} line {line}: {msg}{more}", Path(path), line) from None
    _check_complete(text, name, path)
    return cl


def load_checklist(path: Path | str) -> Checklist:
    """Read and validate a checklist YAML; raises :class:`ChecklistError`."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_CHECKLIST_BYTES:
            raise ChecklistError(f"{path.name}: {path.stat().st_size} bytes is too large for a checklist "
                                 f"(limit {MAX_CHECKLIST_BYTES}); not read", path)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ChecklistError(f"{path}: no such checklist", path) from None
    except OSError as e:
        raise ChecklistError(f"{path}: cannot read: {e.strerror}", path) from None
    return parse_checklist(_decode(raw, path), path)


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ChecklistError(f"{path.name}: not UTF-8 text (byte {e.start})", path) from None


# --------------------------------------------------------------------------- files

def _safe_name(article_id: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", article_id).strip("._-")
    if safe != article_id or not safe:
        safe = f"{safe or 'article'}-{hashlib.sha1(article_id.encode()).hexdigest()[:8]}"
    return safe


def checklist_path(checklist_dir: Path | str, article_id: str) -> Path:
    return Path(checklist_dir) / f"{_safe_name(article_id)}{SUFFIX}"


def _views(path: Path) -> tuple[Path, Path]:
    base = path.name[: -len(".yaml")] if path.name.endswith(".yaml") else path.name
    return path.with_name(base + ".md"), path.with_name(base + ".csv")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    lock = path.with_name(f".{path.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _fsync_dir(d: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, data: bytes, backup: bool = False) -> Path | None:
    """Write ``data`` to ``path`` via a temp file in the same directory, fsync and ``os.replace``.

    With ``backup``, the previous file is first copied (also atomically) to
    ``<path>.bak``; returns that path. On any failure the temp file is removed
    and ``path`` is untouched.
    """
    path = Path(path)
    mode = output_mode(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    bak_path: Path | None = None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if backup and path.exists():
            bak_path = path.with_name(path.name + ".bak")
            fd2, tmp2 = tempfile.mkstemp(dir=path.parent, prefix=f".{bak_path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd2, "wb") as out, open(path, "rb") as src:
                    shutil.copyfileobj(src, out)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(tmp2, mode)
                os.replace(tmp2, bak_path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp2)
                raise
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    return bak_path


def _read_current(path: Path) -> tuple[bytes | None, Checklist | None]:
    try:
        if path.stat().st_size > MAX_CHECKLIST_BYTES:
            raise ChecklistError(f"{path.name}: too large for a checklist (limit {MAX_CHECKLIST_BYTES} bytes)", path)
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None
    cl = parse_checklist(_decode(raw, path), path)  # raises: a bad file is never overwritten
    return raw, cl


def _save(path: Path, cl: Checklist, expected: bytes | None) -> Path | None:
    """Write the YAML (with backup) and its views, refusing if the file changed since it was read."""
    try:
        now_raw: bytes | None = path.read_bytes()
    except FileNotFoundError:
        now_raw = None
    if now_raw != expected:
        raise ChecklistError(f"{path.name} changed on disk while it was being updated; nothing was written, "
                             "run the command again", path)
    text = dump_checklist(cl)
    parse_checklist(text, path)  # never write what we could not read back
    try:
        bak = atomic_write(path, text.encode("utf-8"), backup=expected is not None)
        md_path, csv_path = _views(path)
        atomic_write(md_path, render_checklist_markdown(cl, path.name).encode("utf-8"))
        atomic_write(csv_path, _csv_bytes(_rows(cl)))
    except OSError as e:
        raise ChecklistError(f"{path}: cannot write: {e.strerror or e}", path) from None
    return bak


def write_checklist(checklist_dir: Path | str, result: ArticleResult,
                    study_summary: dict | None = None, *, tool: ToolInfo | None = None) -> ChecklistUpdate:
    """Create or update ``<dir>/<article_id>.checklist.yaml`` (and its .md/.csv views).

    An existing checklist is merged: decisions are kept for findings that still
    exist, new findings come in unreviewed, vanished ones move to ``resolved``.
    Raises :class:`ChecklistError` if the existing YAML is invalid (it is left
    as it is) or if the article could not be checked (its findings would
    otherwise all look resolved).
    """
    d = Path(checklist_dir)
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ChecklistError(f"{d}: cannot create directory: {e.strerror or e}", d) from None
    path = checklist_path(d, result.id)
    md_path, csv_path = _views(path)
    with _locked(path):
        raw, old = _read_current(path)
        fresh = build_checklist(result, study_summary, tool=tool)
        if old is not None and old.article_id != result.id:
            raise ChecklistError(f"{path.name} belongs to article {old.article_id!r}, not {result.id!r}", path)
        if old is not None and result.status not in ("ok", "not_understood"):
            raise ChecklistError(
                f"article {result.id} was not checked ({result.status}"
                f"{': ' + result.error if result.error else ''}); {path.name} left unchanged", path)
        if old is not None:
            bak = path.with_name(path.name + ".bak")
            try:
                previous = load_checklist(bak) if bak.exists() else None
            except ChecklistError:
                previous = None  # an unreadable backup only means hand edits are not detected by comparison
            stamp_hand_edits(old, previous)
        if old is None:
            merged = fresh
            upd = ChecklistUpdate(path="", markdown_path="", csv_path="", created=True,
                                  added=[it.id for it in fresh.items if it.kind == "finding"])
        else:
            merged, upd = merge_checklists(old, fresh)
        bak = _save(path, merged, raw)
    return upd.model_copy(update={"path": str(path), "markdown_path": str(md_path), "csv_path": str(csv_path),
                                  "backup_path": str(bak) if bak else None})




# --------------------------------------------------------------------------- status and exports

def _checklist_files(dir_or_dirs: Path | str | Iterable[Path | str]) -> list[Path]:
    if isinstance(dir_or_dirs, (str, os.PathLike)):
        dir_or_dirs = [dir_or_dirs]
    out: list[Path] = []
    for d in dir_or_dirs:
        p = Path(d)
        if p.is_file():
            out.append(p)
        elif p.is_dir():
            out.extend(sorted(p.glob(f"*{SUFFIX}")))
        else:
            raise ChecklistError(f"{p}: no such file or directory", p)
    return out


def find_checklist(checklist_dir: Path | str, article: str) -> Path | None:
    """The checklist in ``checklist_dir`` for an article id, source path or file stem."""
    d = Path(checklist_dir)
    direct = checklist_path(d, article)
    if direct.exists():
        return direct
    stem = Path(article).name
    for suffix in (".txt", ".md", ".pdf", ".markdown", ".text", ".nxml", ".xml"):
        stem = stem.removesuffix(suffix)
    cand = checklist_path(d, stem)
    if cand.exists():
        return cand
    if d.is_dir():
        for p in sorted(d.glob(f"*{SUFFIX}")):
            with contextlib.suppress(ChecklistError):
                cl = load_checklist(p)
                if cl.article_id in (article, stem) or (cl.source and (
                        cl.source == article or Path(cl.source).resolve() == Path(article).resolve())):
                    return p
    return None


def status(dir_or_dirs: Path | str | Iterable[Path | str]) -> list[ChecklistStatus]:
    """Review progress per checklist; an invalid file is reported with its error."""
    out: list[ChecklistStatus] = []
    for p in _checklist_files(dir_or_dirs):
        try:
            cl = load_checklist(p)
        except ChecklistError as e:
            out.append(ChecklistStatus(article_id=p.name.removesuffix(SUFFIX), path=str(p), error=str(e)))
            continue
        c = {d: sum(1 for it in cl.items if it.decision == d) for d in DECISIONS}
        votes = {it.id: reviewer_votes(it) for it in cl.items}
        reviewers = sorted({r for v in votes.values() for r in v})
        multi = {i: v for i, v in votes.items() if len(v) >= 2}
        out.append(ChecklistStatus(
            reviewers=reviewers, double_reviewed=len(multi),
            agreed=sum(1 for v in multi.values() if len(set(v.values())) == 1),
            needs_consensus=[i for i, v in multi.items() if len(set(v.values())) > 1],
            article_id=cl.article_id, path=str(p), items=len(cl.items), reviewed=len(cl.items) - c["unreviewed"],
            confirmed=c["confirmed"], dismissed=c["dismissed"], query_authors=c["query-authors"],
            unreviewed=c["unreviewed"], resolved=len(cl.resolved),
            needs_recheck=sum(1 for it in cl.items if it.needs_recheck)))
    return out



def export_decisions_csv(dirs: Path | str | Iterable[Path | str], out_csv: Path | str) -> int:
    """All items of all checklists under ``dirs`` as one CSV; returns the number of rows.

    Raises :class:`ChecklistError` if any checklist is invalid (its decisions
    would otherwise be missing from the export without notice).
    """
    rows: list[list[str]] = []
    for p in _checklist_files(dirs):
        rows.extend(_rows(load_checklist(p)))
    out = Path(out_csv)
    try:
        atomic_write(out, _csv_bytes(rows))
    except OSError as e:
        raise ChecklistError(f"{out}: cannot write: {e.strerror or e}", out) from None
    return len(rows)


