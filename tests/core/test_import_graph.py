"""Which project module imports which: one-way dependencies, no cycles, no hidden imports.

Every ``.py`` file under ``mediation/`` and ``workflows/`` is parsed with ``ast`` (nothing is
executed, except in the last test); ``migrations/`` is not scanned. An import statement becomes
edges to the project modules it loads:

- ``import a.b.c`` depends on ``a.b.c``;
- ``from a.b import c`` depends on ``a.b.c`` when that is a module, otherwise on ``a.b`` (``c``
  is then a name defined in ``a/b/__init__.py`` or ``a/b.py``); ``from a.b import *`` on ``a.b``;
- relative imports are resolved against the importing module's package first;
- ``importlib.import_module("a.b")`` and ``__import__("a.b")`` with a literal name count too.

Package ``__init__`` modules are not counted as implied dependencies. Python runs
``a/__init__.py`` and ``a/b/__init__.py`` before ``a.b.c``, so counting those would link every
module to its package and report as a cycle each ``__init__`` that imports its own submodules,
a pattern Python handles (a submodule can be loaded while its package is half-initialised). An
``__init__`` is a dependency only when it is imported by name, or a name defined in it is.

Module level means anywhere outside a function body (class bodies and module-level ``if`` or
``try`` blocks run at import time and count). Imports under ``if TYPE_CHECKING:`` never run, so
they are left out of the cycle and function-level checks; ``workflows/`` must not have them
either. A function-level import of a project module usually hides a cycle; the allow-list below
names the few that are there by design.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections import deque
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("mediation", "workflows")

# (importing file, imported module pattern) -> why this import may sit inside a function.
ALLOWED_FUNCTION_LEVEL_IMPORTS = {
    # create_app registers each feature's blueprint (the flaskr pattern): at the top of
    # mediation/__init__.py they would load every view on any `import mediation.<module>`.
    ("mediation/__init__.py", "mediation.*.blueprint"): "the app factory registers blueprints",
    # Likewise the flask commands, registered by create_app.
    ("mediation/__init__.py", "mediation.cli"): "the app factory registers the CLI commands",
    # reportlab takes 8 MB in each web worker; it loads with the first PDF rendered.
    ("mediation/documents/pdf.py", "mediation.documents.pdf_layout"): "reportlab on first use",
}


@dataclass(frozen=True)
class Import:
    importer: str  # dotted name of the importing module
    path: str  # its file, relative to the repository
    line: int
    statement: str  # as written
    names: tuple[str, ...]  # absolute dotted names it asks for (project or not)
    targets: tuple[str, ...]  # the project modules it loads
    unresolved: tuple[str, ...]  # project names that are no module and no package
    function: str | None  # enclosing function's qualified name; None at module level
    type_checking: bool

    @property
    def where(self) -> str:
        inside = f" in {self.function}()" if self.function else ""
        return f"{self.path}:{self.line}{inside}: {self.statement}"


@cache
def project_modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the scanned packages."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if "__pycache__" in parts:
                continue
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def is_project(name: str) -> bool:
    return name.split(".")[0] in PACKAGES


def is_type_checking_guard(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class ImportCollector(ast.NodeVisitor):
    def __init__(self, module: str, path: Path) -> None:
        self.module = module
        self.path = path.relative_to(ROOT).as_posix()
        self.is_package = path.name == "__init__.py"
        self.scopes: list[tuple[str, bool]] = []  # (name, is a function)
        self.type_checking = 0
        self.imports: list[Import] = []

    # Scopes

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:  # decorators and defaults run in the outer scope
            self.visit(decorator)
        self.scopes.append((node.name, True))
        for statement in node.body:
            self.visit(statement)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.scopes.append(("<lambda>", True))
        self.visit(node.body)
        self.scopes.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scopes.append((node.name, False))
        self.generic_visit(node)
        self.scopes.pop()

    def visit_If(self, node: ast.If) -> None:
        if is_type_checking_guard(node):
            self.type_checking += 1
            for statement in node.body:
                self.visit(statement)
            self.type_checking -= 1
            for statement in node.orelse:
                self.visit(statement)
        else:
            self.generic_visit(node)

    # Imports

    def visit_Import(self, node: ast.Import) -> None:
        self.record(node, [alias.name for alias in node.names])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self.absolute(node.level, node.module)
        if base is None:
            return
        names = [base if alias.name == "*" else f"{base}.{alias.name}" for alias in node.names]
        self.record(node, names, from_base=base)

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        called = getattr(function, "attr", None) or getattr(function, "id", None)
        if (
            called in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and not node.args[0].value.startswith(".")
        ):
            self.record(node, [node.args[0].value])
        self.generic_visit(node)

    def absolute(self, level: int, module: str | None) -> str | None:
        if level == 0:
            return module
        package = self.module.split(".")
        if not self.is_package:
            package.pop()
        if level - 1 > len(package) - 1:
            return None  # beyond the top package: Python would refuse it too
        package = package[: len(package) - (level - 1)]
        return ".".join([*package, module] if module else package)

    def record(self, node: ast.stmt | ast.expr, names: list[str], from_base=None) -> None:
        modules = project_modules()
        targets, unresolved = [], []
        for name in names:
            if not is_project(name):
                continue
            if name in modules:
                targets.append(name)
            elif from_base is not None and from_base in modules:
                targets.append(from_base)  # a name defined in that module or package
            else:
                unresolved.append(name)
        functions = [name for name, is_function in self.scopes if is_function]
        self.imports.append(
            Import(
                importer=self.module,
                path=self.path,
                line=node.lineno,
                statement=" ".join(ast.unparse(node).split()),
                names=tuple(names),
                targets=tuple(dict.fromkeys(targets)),
                unresolved=tuple(unresolved),
                function=".".join(name for name, _ in self.scopes) if functions else None,
                type_checking=self.type_checking > 0,
            )
        )


@cache
def all_imports() -> tuple[Import, ...]:
    imports = []
    for module, path in project_modules().items():
        collector = ImportCollector(module, path)
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        imports.extend(collector.imports)
    return tuple(imports)


def runtime_imports() -> list[Import]:
    return [i for i in all_imports() if i.targets and not i.type_checking]


def module_level_graph() -> dict[str, dict[str, Import]]:
    """importer -> {imported module: the first statement that imports it}."""
    graph: dict[str, dict[str, Import]] = {module: {} for module in project_modules()}
    for imported in runtime_imports():
        if imported.function is None:
            for target in imported.targets:
                graph[imported.importer].setdefault(target, imported)
    return graph


def strongly_connected_components(graph: dict[str, dict[str, Import]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return components


def shortest_path(graph, start: str, goal: str, within: set[str]) -> list[str]:
    previous = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = []
            while node is not None:
                path.append(node)
                node = previous[node]
            return path[::-1]
        for successor in sorted(graph[node]):
            if successor in within and successor not in previous:
                previous[successor] = node
                queue.append(successor)
    raise AssertionError(f"no path {start} -> {goal}")  # cannot happen inside a component


def import_cycles(graph: dict[str, dict[str, Import]]) -> list[list[str]]:
    """For every import edge that lies on a cycle, the shortest cycle through it (deduplicated,
    each written from its alphabetically first module): a cover that shows every edge to cut."""
    cycles = set()
    for component in strongly_connected_components(graph):
        members = set(component)
        for source in component:
            for target in graph[source]:
                if target not in members or (len(component) == 1 and target != source):
                    continue
                cycle = [source, *shortest_path(graph, target, source, members)[:-1]]
                first = cycle.index(min(cycle))
                cycles.add(tuple(cycle[first:] + cycle[:first]))
    return sorted((list(cycle) for cycle in cycles), key=lambda cycle: (len(cycle), cycle))


def describe_cycle(graph, cycle: list[str]) -> str:
    chain = " -> ".join([*cycle, cycle[0]])
    edges = [
        f"      {graph[a][b].where}" for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True)
    ]
    return "\n".join([f"  {chain}", *edges])


def is_allowed(imported: Import, target: str) -> bool:
    return any(
        imported.path == path and fnmatchcase(target, pattern)
        for path, pattern in ALLOWED_FUNCTION_LEVEL_IMPORTS
    )


# --- the tests -----------------------------------------------------------------------------


def test_the_scan_sees_the_packages_and_their_imports():
    """Guards the other tests against passing because the scan found nothing."""
    modules = project_modules()
    assert {"mediation", "mediation.validators", "workflows.case"} <= modules.keys()
    assert len(module_level_graph()["mediation"]) >= 3


SAMPLE = """
from typing import TYPE_CHECKING

from . import validators
from .models import Case
from mediation import extensions
import workflows.case

if TYPE_CHECKING:
    from mediation.policy import can


class Page:
    from mediation import config

    def render(self):
        from .validators import normalise_uscc
        return normalise_uscc
"""


def test_the_scanner_resolves_and_places_each_kind_of_import():
    """Guards the scanner itself, on a made-up module mediation/sample.py."""
    collector = ImportCollector("mediation.sample", ROOT / "mediation" / "sample.py")
    collector.visit(ast.parse(SAMPLE))
    found = {
        (i.statement, i.targets, i.function, i.type_checking)
        for i in collector.imports
        if i.targets
    }
    assert found == {
        ("from . import validators", ("mediation.validators",), None, False),
        ("from .models import Case", ("mediation.models",), None, False),
        ("from mediation import extensions", ("mediation.extensions",), None, False),
        ("import workflows.case", ("workflows.case",), None, False),
        ("from mediation.policy import can", ("mediation.policy",), None, True),
        ("from mediation import config", ("mediation.config",), None, False),
        (
            "from .validators import normalise_uscc",
            ("mediation.validators",),
            "Page.render",
            False,
        ),
    }


def test_the_cycle_finder_shows_each_cycle_as_a_chain():
    def edge(a, b):
        return Import(a, f"{a}.py", 1, f"import {b}", (b,), (b,), (), None, False)

    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "d"), ("e", "a")]
    graph = {name: {} for name in "abcde"}
    for a, b in edges:
        graph[a][b] = edge(a, b)
    assert import_cycles(graph) == [["d"], ["a", "b", "c"]]
    assert describe_cycle(graph, ["a", "b", "c"]).splitlines()[0] == "  a -> b -> c -> a"


def test_workflows_import_nothing_from_mediation():
    offenders = [
        imported.where
        for imported in all_imports()
        if imported.importer.startswith("workflows")
        and any(name.split(".")[0] == "mediation" for name in imported.names)
    ]
    assert not offenders, "workflows/ must stay pure Python; it imports mediation here:\n" + (
        "\n".join(f"  {where}" for where in offenders)
    )


def test_every_project_import_names_an_existing_module():
    offenders = [
        f"  {imported.where}  ({', '.join(imported.unresolved)})"
        for imported in all_imports()
        if imported.unresolved
    ]
    assert not offenders, "These imports name project modules that do not exist:\n" + (
        "\n".join(offenders)
    )


def test_module_level_imports_have_no_cycles():
    graph = module_level_graph()
    cycles = import_cycles(graph)
    assert not cycles, (
        f"{len(cycles)} import cycle(s) among module-level imports "
        "(each import that closes a cycle is shown in its shortest cycle):\n"
        + "\n".join(describe_cycle(graph, cycle) for cycle in cycles)
    )


def test_no_project_module_is_imported_inside_a_function():
    offenders = [
        f"  {imported.where}"
        for imported in runtime_imports()
        if imported.function is not None
        and not all(is_allowed(imported, target) for target in imported.targets)
    ]
    assert not offenders, (
        f"{len(offenders)} function-level import(s) of project modules; import at the top of "
        "the module (and break the cycle it dodged), or add a reasoned entry to "
        "ALLOWED_FUNCTION_LEVEL_IMPORTS:\n" + "\n".join(offenders)
    )


def test_every_allowed_function_level_import_still_exists():
    """The allow-list shrinks with the code: an entry nothing matches any more must go."""
    used = {
        (path, pattern)
        for imported in runtime_imports()
        if imported.function is not None
        for target in imported.targets
        for path, pattern in ALLOWED_FUNCTION_LEVEL_IMPORTS
        if imported.path == path and fnmatchcase(target, pattern)
    }
    stale = sorted(ALLOWED_FUNCTION_LEVEL_IMPORTS.keys() - used)
    assert not stale, f"Allow-list entries that match no import any more: {stale}"


IMPORT_EACH_ON_ITS_OWN = r"""
import importlib, json, os, sys, traceback


def describe(error):
    where = traceback.extract_tb(error.__traceback__)[-1]
    return f"{type(error).__name__}: {error} ({where.filename}:{where.lineno})"[:2000]


def import_each_in_a_copy(names):
    # Fork a copy of this process per module (a few at a time) and import the module there;
    # the copy writes its error, if any, to a pipe. Returns {module: error or None}.
    results, running, waiting = {}, {}, list(reversed(names))
    while waiting or running:
        while waiting and len(running) < min(os.cpu_count() or 1, 8):
            name = waiting.pop()
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                message = ""
                try:
                    importlib.import_module(name)
                except BaseException as error:  # SystemExit too: an import must not exit
                    message = describe(error)
                with os.fdopen(write_end, "w") as pipe:
                    pipe.write("done:" + message)  # no "done:": the copy died importing
                os._exit(0)
            os.close(write_end)
            running[pid] = (name, read_end)
        pid, status = os.wait()
        name, read_end = running.pop(pid)
        with os.fdopen(read_end) as pipe:
            message = pipe.read()
        if message.startswith("done:"):
            results[name] = message.removeprefix("done:") or None
        else:
            results[name] = f"the process ended while importing (wait status {status})"
    return results


modules, libraries = json.loads(sys.argv[1]), json.loads(sys.argv[2])
# The libraries the project imports are loaded once here, not again in every copy (names
# taken from them too: some, like pydantic, load their submodules on first access).
for library in libraries:
    try:
        importlib.import_module(library)
    except ImportError:
        module, _, attribute = library.rpartition(".")
        try:
            getattr(importlib.import_module(module), attribute, None)
        except Exception:
            pass  # an optional library that is missing: the module importing it will say
    except Exception:
        pass
# Nothing of the project is loaded yet: each module outside mediation/ in a copy.
failures = import_each_in_a_copy([m for m in modules if m.split(".")[0] != "mediation"])
# Python runs mediation/__init__.py before any mediation.* module, so every copy may start
# from it: imported once, here, then each mediation.* module in its own copy. A module that
# mediation/__init__.py loaded has imported already, as it does in a fresh interpreter, where
# its copy would only find it in sys.modules: no copy is made for it.
try:
    importlib.import_module("mediation")
except BaseException as error:
    failures["mediation"] = describe(error)
else:
    failures.update(
        import_each_in_a_copy(
            [m for m in modules if m.startswith("mediation.") and m not in sys.modules]
        )
    )
print(json.dumps({name: error for name, error in failures.items() if error}))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="imports each module in a forked copy")
def test_every_module_imports_in_a_fresh_interpreter():
    """Each module on its own: catches one that only imports after another one was loaded.

    A subprocess per module would take minutes (each reloads the app's 30-odd models), and
    dropping modules from ``sys.modules`` between imports leaves their registrations behind
    (SQLAlchemy tables, blueprints). So one subprocess imports ``mediation`` once and forks a
    copy per module, a state no earlier import has touched; ``workflows`` modules are
    imported in copies taken before any project module is loaded. The modules that
    ``mediation/__init__.py`` itself loads (about 90) were imported by that import, in a fresh
    interpreter too: they get no copy of their own.
    """
    modules = sorted(project_modules())
    libraries = sorted(
        {name for imported in all_imports() for name in imported.names if not is_project(name)}
    )
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH_ON_ITS_OWN, json.dumps(modules), json.dumps(libraries)],
        cwd=ROOT,
        # The production entry points (mediation.worker) start in development here: in
        # production they refuse to start without their settings (tests/test_security.py).
        env={**os.environ, "PYTHONPATH": str(ROOT), "MEDIATION_ENV": "development"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert not failures, f"{len(failures)} of {len(modules)} modules fail on their own:\n" + (
        "\n".join(f"  {name}: {message}" for name, message in sorted(failures.items()))
    )
