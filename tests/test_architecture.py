"""The app order is the architecture (README, "Architecture"): an app imports
only the apps to its left, not even lazily inside a function and not even as a
dotted string ("training.resources.X"), so that any app can be read knowing
only what lies below it. A lower app that must let a higher one react
announces an event (a signal) and the higher app subscribes in `ready()`."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

#: Left to right: each app may import the apps before it.
ORDER = ["rosters", "talent", "notifications", "training", "placements", "certificates", "research"]
#: At the top, side by side: they may import every app of ORDER, not each other.
TOP = ["reports", "audit"]
APPS = ORDER + TOP
ROOT = Path(settings.BASE_DIR)
DOTTED = re.compile(rf"^({'|'.join(APPS)})\.[A-Za-z_][\w.]*$")


def rank(app: str) -> int:
    return ORDER.index(app) if app in ORDER else len(ORDER)


def may_import(importer: str, imported: str) -> bool:
    return importer == imported or rank(imported) < rank(importer)


def modules():
    for app in APPS:
        folder = ROOT / app
        if folder.is_dir():
            for path in sorted(folder.rglob("*.py")):
                yield app, path


def references(path: Path):
    """(line, app) of every import of a project app, and of every string that names one's module or model."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "migrations" not in path.parts
            and (match := DOTTED.match(node.value))
        ):
            yield node.lineno, match.group(1)


def test_every_app_of_the_order_exists_or_is_planned():
    existing = [app for app in APPS if (ROOT / app / "apps.py").exists()]
    assert existing, "no app found"
    installed = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    assert set(existing) <= installed


@pytest.mark.parametrize("app", [app for app in APPS if (ROOT / app).is_dir()])
def test_no_module_imports_an_app_above_its_own(app):
    upward = [
        f"{path.relative_to(ROOT)}:{line} uses {imported}"
        for owner, path in modules()
        if owner == app
        for line, imported in references(path)
        if imported in APPS and not may_import(app, imported)
    ]
    assert not upward, f"{app} reaches up the app order ({' ← '.join(ORDER)} ← {', '.join(TOP)}):\n" + "\n".join(upward)


def test_the_check_itself_catches_a_lazy_import_and_a_dotted_string(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "def later():\n    from certificates import services\n\nKIND = 'training.resources.CourseResource'\n",
        encoding="utf-8",
    )
    found = list(references(module))
    assert (2, "certificates") in found
    assert (4, "training") in found
    assert not may_import("placements", "certificates")
    assert may_import("certificates", "placements")
    assert not may_import("reports", "audit")
