"""The packages import one way (pyproject.toml's import contract) and no module imports itself round a circle.

Both read the source (imports inside functions count too), so a circle hidden behind a late import fails here.
"""

import ast
import re
import tomllib
from pathlib import Path

import grimp
from importlinter import cli

ROOT = Path(__file__).resolve().parent.parent


def root_packages() -> list[str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]["root_packages"]


def test_apps_import_one_way_and_never_config(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert cli.lint_imports(config_filename=str(ROOT / "pyproject.toml")) == cli.EXIT_STATUS_SUCCESS


def test_the_contract_fails_on_an_upward_import(tmp_path, monkeypatch):
    for package, source in {"top": "", "bottom": "from top import thing\n"}.items():
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(source)
    (tmp_path / "contract.toml").write_text(
        '[tool.importlinter]\nroot_packages = ["top", "bottom"]\n'
        '[[tool.importlinter.contracts]]\nname = "one way"\ntype = "layers"\nlayers = ["top", "bottom"]\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cli.lint_imports(config_filename=str(tmp_path / "contract.toml"), no_cache=True) != cli.EXIT_STATUS_SUCCESS


def test_every_top_level_package_is_under_the_contract():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks"}
    assert packages <= set(root_packages())


def import_circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    imports = {module: sorted(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []
    for start in sorted(imports):
        if start in index:
            continue
        work = [(start, iter(imports[start]))]
        index[start] = lowlink[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, remaining = work[-1]
            for imported in remaining:
                if imported not in index:
                    index[imported] = lowlink[imported] = len(index)
                    stack.append(imported)
                    on_stack.add(imported)
                    work.append((imported, iter(imports[imported])))
                    break
                if imported in on_stack:
                    lowlink[module] = min(lowlink[module], index[imported])
            else:
                work.pop()
                if work:
                    lowlink[work[-1][0]] = min(lowlink[work[-1][0]], lowlink[module])
                if lowlink[module] == index[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    if len(group) > 1:
                        circles.append(sorted(group))
    return circles


def test_no_module_imports_itself_round_a_circle():
    graph = grimp.build_graph(*root_packages(), include_external_packages=False)
    assert import_circles(graph) == []


def test_the_circle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for module in ("a.one", "a.two", "a.three"):
        graph.add_module(module)
    graph.add_import(importer="a.one", imported="a.two")
    graph.add_import(importer="a.two", imported="a.one")
    graph.add_import(importer="a.three", imported="a.one")
    assert import_circles(graph) == [["a.one", "a.two"]]


# --- templates and template tags -------------------------------------------------------------------

# The apps from the bottom up, as in the import contract.
APPS_UPWARD = ["accounts", "audit", "incidents", "postmortems", "actions", "dashboard"]


def tag_libraries() -> dict[str, str]:
    """Template tag library name -> the app that defines it."""
    return {path.stem: path.parent.parent.name for path in ROOT.glob("*/templatetags/*.py") if path.stem != "__init__"}


def test_no_template_tag_module_imports_a_view_module():
    for path in ROOT.glob("*/templatetags/*.py"):
        graph_imports = [
            node.module or "" for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.ImportFrom)
        ] + [
            alias.name
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Import)
            for alias in node.names
        ]
        assert not [name for name in graph_imports if ".views" in f".{name}."], path


# Pages at the top of templates/ that an app renders; every other template there (base.html, includes/,
# the error pages) is shared by all apps, so it sits below them all and loads no app's tags.
TEMPLATE_OWNERS = {"home.html": "actions"}


def upward_loads(templates: Path) -> list[tuple[str, str]]:
    """(template, tag library) pairs where a template loads the tags of an app above the one it belongs to."""
    libraries = tag_libraries()
    upward = []
    for template in templates.rglob("*.html"):
        name = str(template.relative_to(templates))
        app = name.split("/")[0] if "/" in name else TEMPLATE_OWNERS.get(name)
        level = APPS_UPWARD.index(app) if app in APPS_UPWARD else -1
        for load in re.findall(r"{%\s*load\s+([^%]+?)\s*%}", template.read_text()):
            for library in load.split():
                owner = libraries.get(library)
                if owner in APPS_UPWARD and APPS_UPWARD.index(owner) > level:
                    upward.append((name, library))
    return sorted(upward)


def test_no_page_loads_the_template_tags_of_an_app_above_its_own():
    """A higher app shows its part on a lower page through web.panels (or an htmx fragment it serves):
    the header's inbox link is the actions app's panel in the ``header`` slot."""
    assert upward_loads(ROOT / "templates") == []


def test_a_shared_template_loading_an_apps_tags_is_caught(tmp_path):
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "header.html").write_text("{% load static reviews %}")
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / "detail.html").write_text("{% load timefmt %}{% load audit reviews %}")
    assert upward_loads(tmp_path) == [("incidents/detail.html", "reviews"), ("includes/header.html", "reviews")]
