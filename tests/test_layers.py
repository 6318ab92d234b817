"""The layers of docs/architecture.md, checked on the code's own imports.

A broken rule is how a second storage backend or a new delivery target ends up having to
work around the code instead of slotting in: cogs that reach into storage, storage that
drags in the NLP or Discord, or modules that import each other in a loop.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "cogs", "storage")

# What storage may import from the rest of the project: plain data and leaf helpers.
STORAGE_MAY_IMPORT = {
    "bot.models",
    "bot.delivery.records",
    "bot.corrections",
    "bot.wordforms",
    "bot.errors",
    "bot",
}
# The NLP is pure text processing: no Discord, no storage, no services.
NLP_MAY_IMPORT = {"bot.models", "bot.wordforms", "bot"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> set[str]:
    """Modules ``path`` imports when it runs (imports under ``if TYPE_CHECKING`` excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # "from bot import render" imports the module bot.render
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {
        _module_name(p): p
        for pkg in PACKAGES
        for p in (ROOT / pkg).rglob("*.py")
        if "migrations" not in p.parts
    }
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_cogs_never_import_storage():
    """A cog that reads storage itself holds rules no other front end (CLI, a new target) shares."""
    graph = _graph()
    broken = {m: sorted(i for i in deps if _in(i, "storage")) for m, deps in graph.items() if _in(m, "cogs")}
    assert not {m: d for m, d in broken.items() if d}


def test_storage_imports_only_data_and_leaf_helpers():
    """Storage that imports the NLP, delivery logic, config or Discord cannot be swapped for another backend."""
    graph = _graph()
    broken = {
        m: sorted(i for i in deps if not _in(i, "storage") and i not in STORAGE_MAY_IMPORT)
        for m, deps in graph.items()
        if _in(m, "storage")
    }
    assert not {m: d for m, d in broken.items() if d}
    for m in graph:
        if _in(m, "storage"):
            text = (ROOT / Path(*m.split("."))).with_suffix(".py")
            source = text.read_text() if text.exists() else ""
            assert "import discord" not in source, m


def test_nlp_is_pure_text_processing():
    """The NLP importing storage, Discord or a service would make analysis impossible to run alone."""
    graph = _graph()
    broken = {
        m: sorted(i for i in deps if not _in(i, "bot.nlp") and i not in NLP_MAY_IMPORT)
        for m, deps in graph.items()
        if _in(m, "bot.nlp")
    }
    assert not {m: d for m, d in broken.items() if d}


def test_the_core_never_imports_a_cog():
    """bot/ importing cogs/ would make a feature's extension impossible to unload or replace."""
    graph = _graph()
    assert not {
        m: sorted(d) for m, d in graph.items() if not _in(m, "cogs") and any(_in(i, "cogs") for i in d)
    }


def test_no_import_cycle():
    """Modules importing each other in a loop break as soon as one of them changes its imports."""
    graph = _graph()
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            # importing a.b.c runs a/__init__ and a/b/__init__ too; a parent package is not a loop
            if _in(node, dep):
                continue
            if state.get(dep) == 1:
                cycles.append([*stack[stack.index(dep) :], dep])
            elif dep not in state:
                visit(dep, stack)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert not cycles


def test_importing_storage_loads_no_nlp_and_no_discord():
    """The CLI's database commands and a second backend would pay for loading the NLP and discord.py."""
    code = (
        "import sys, storage; "
        "bad = sorted(m for m in sys.modules if m.startswith(('bot.nlp', 'discord', 'bot.delivery.engine'))); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
