"""docs/deploy.md, docs/privacy.md and docs/security.md say what the app promises and which test proves
each promise. Every test they name must exist: a file `tests/....py`, and each function named after it
as `tests/x.py::test_name` or, continuing the same file, `::test_name`."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ("docs/deploy.md", "docs/privacy.md", "docs/security.md")
# A file, optionally with ::names; or ::names alone, continuing the last file named.
REFERENCE = re.compile(r"(?P<file>tests/[\w/]+\.py)?(?P<names>(?:::[\w\[\]-]+)+)|(?P<bare>tests/[\w/]+\.py)")


def references(text: str) -> list[tuple[str, str | None]]:
    """(file, function or None) for every test reference, in order."""
    found: list[tuple[str, str | None]] = []
    current = None
    for match in REFERENCE.finditer(text):
        if match.group("bare"):
            current = match.group("bare")
            found.append((current, None))
            continue
        current = match.group("file") or current
        if current is None:
            found.append(("(no file before)", match.group("names")))
            continue
        for name in match.group("names").split("::")[1:]:
            found.append((current, name.split("[")[0]))  # a parametrised id names its function
    return found


def _defined(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def test_the_reference_reader_follows_files_and_continuations():
    text = "`tests/a.py::test_one`, `::test_two` and `tests/b.py` then `tests/c.py::K::test_x[pg]`"
    assert references(text) == [("tests/a.py", "test_one"), ("tests/a.py", "test_two"), ("tests/b.py", None),
                                ("tests/c.py", "K"), ("tests/c.py", "test_x")]


@pytest.mark.parametrize("doc", DOCS)
def test_every_test_a_promise_names_exists(doc):
    found = references((ROOT / doc).read_text(encoding="utf-8"))
    assert found, f"{doc} names no test"
    missing = []
    for file, name in found:
        path = ROOT / file
        if not path.is_file():
            missing.append(f"{file} (no such file)")
        elif name is not None and name not in _defined(path):
            missing.append(f"{file}::{name}")
    assert not missing, f"{doc} names tests that do not exist:\n" + "\n".join(sorted(set(missing)))
