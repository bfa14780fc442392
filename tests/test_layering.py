"""Dependencies point one way (README, "Architecture"): core → budgets → review (approvals) and
performance → disclosure and reminders → ceilings → demo. The test reads every import of every module,
those inside functions included, so that a lower app cannot reach up to a higher one, nor two
apps of one layer into each other."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "core": 0,
    "audit": 1,
    "budgets": 1,
    "approvals": 2,
    "performance": 2,
    "disclosure": 3,
    "reminders": 3,
    "library": 3,
    "ceilings": 4,
    "demo": 5,
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(LAYERS)


def modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


@pytest.mark.parametrize(("app", "path"), list(modules()), ids=lambda v: str(v).rsplit("/work/main/", 1)[-1])
def test_no_app_imports_a_higher_or_sideways_app(app, path):
    offending = {other for other in imports_of(path) if other != app and LAYERS[other] >= LAYERS[app]}
    assert not offending, f"{path.relative_to(ROOT)} ({app}, layer {LAYERS[app]}) imports {sorted(offending)}"


def test_the_layering_sees_every_app():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps == set(LAYERS), "a new app must be placed in a layer here"
