"""The arrows point inward (design.md §1), and the code passes ruff and mypy."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "revideo"
THIRD_PARTY_IO = ("psycopg", "httpx", "flask", "click", "supabase", "werkzeug", "jinja2")


def imports(folder: Path) -> list[tuple[str, str]]:
    """(file, imported module) for every import under a folder."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found += [(path.name, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path.name, node.module))
    return found


def offenders(folder: Path, allowed_ours: tuple[str, ...]) -> list[tuple[str, str]]:
    bad = []
    for file, module in imports(folder):
        ours = module == "revideo" or module.startswith("revideo.")
        if ours and not module.startswith(allowed_ours):
            bad.append((file, module))
        if module.split(".")[0] in THIRD_PARTY_IO:
            bad.append((file, module))
    return bad


def test_domain_imports_nothing_outside_the_domain() -> None:
    assert imports(SRC / "domain"), "the walker must see the domain's imports"
    assert offenders(SRC / "domain", ("revideo.domain",)) == []


def test_ports_import_only_the_domain() -> None:
    assert offenders(SRC / "ports", ("revideo.domain", "revideo.ports")) == []


def test_services_import_no_adapter() -> None:
    allowed = ("revideo.domain", "revideo.ports", "revideo.services")
    assert offenders(SRC / "services", allowed) == []


def test_entrypoints_reach_adapters_only_through_bootstrap() -> None:
    bad = [
        (file, module)
        for file, module in imports(ROOT / "entrypoints")
        if module.startswith("revideo.adapters")
    ]
    assert bad == []


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    lint = subprocess.run(
        [ruff, "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout[-4000:]
    fmt = subprocess.run(
        [ruff, "format", "--check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout[-4000:]


def test_mypy_is_clean() -> None:
    targets = ["src/revideo", "entrypoints"]
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", *targets],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-4000:]
