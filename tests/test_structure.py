"""The package's shape: every module imports in a fresh interpreter, the imports between the
modules of ``mitchell`` form no cycle, and they flow one way, rtl <- sim <- reports.

The import graph is read from the source (every ``import`` and ``from ... import``, inside
functions too, relative or absolute), not from what an import happens to load.
"""
import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The top-level folders and the package each one is installed as.
LAYERS = {"rtl": "mitchell.rtl", "sim": "mitchell.sim", "reports": "mitchell.reports"}


def module_files() -> dict[str, Path]:
    """Every module of the package, by dotted name (a package by its own name); ``__main__``
    modules are scripts, run rather than imported, and left out."""
    modules = {}
    for folder, package in LAYERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "__main__.py":
                continue
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join((package, *parts))] = path
    return modules


MODULES = module_files()


def imported_modules(name: str, path: Path) -> set[str]:
    """The modules of ``mitchell`` that module ``name`` imports anywhere in its source. ``from X
    import y`` imports ``X.y`` when that is a module, else ``X``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            if node.level:
                base = ".".join(filter(None, (base, node.module)))
            else:
                base = node.module
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {module for module in found if module in MODULES}


GRAPH = {name: imported_modules(name, path) for name, path in MODULES.items()}


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules (the first repeated at the end), or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = dict(GRAPH)
    graph["mitchell.sim.design"] = GRAPH["mitchell.sim.design"] | {"mitchell.sim.vectors"}
    graph["mitchell.sim.vectors"] = GRAPH["mitchell.sim.vectors"] | {"mitchell.sim.design"}
    found = cycle(graph)
    assert found is not None and found[0] == found[-1]
    assert {"mitchell.sim.design", "mitchell.sim.vectors"} <= set(found)


def test_the_graph_sees_relative_absolute_and_function_level_imports():
    assert "mitchell.sim.catalogue" in GRAPH["mitchell.sim.design"]          # from .catalogue
    assert "mitchell.reports.error.kernel" in GRAPH["mitchell.reports.error.error_analysis"]
    assert "mitchell.rtl.float_format" in GRAPH["mitchell.sim.float_golden"]  # from ..rtl.x
    assert len(MODULES) > 60


def test_no_import_cycle():
    assert cycle(GRAPH) is None


@pytest.mark.parametrize("layer", list(LAYERS))
def test_imports_flow_rtl_then_sim_then_reports(layer):
    """A module imports from its own layer and those before it, never from a later one."""
    later = list(LAYERS.values())[list(LAYERS).index(layer) + 1:]
    wrong = sorted(f"{name} imports {target}" for name, targets in GRAPH.items()
                   if name.startswith(LAYERS[layer]) for target in targets
                   if target.startswith(tuple(later)))
    assert wrong == []


def test_every_module_imports_in_a_fresh_interpreter():
    code = ("import importlib\nfor name in %r:\n    importlib.import_module(name)\n"
            % sorted(MODULES))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_package_is_installed():
    """pyproject lists every folder that holds an ``__init__.py``: a wheel leaves out the others."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    packages = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    assert packages == listed
