"""backend/domain holds plain-Python rules: no web, GraphQL, ORM or driver imports, and no
reaching up into the persistence, API or service layers. Checked twice: statically on the
source of every module (any `import`, also inside functions or TYPE_CHECKING blocks), and
dynamically by importing every module in a fresh interpreter and looking at sys.modules,
which also catches an indirect import through another package."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import backend.domain

FORBIDDEN = (
    "strawberry",
    "tortoise",
    "starlette",
    "uvicorn",
    "httpx",
    "asyncpg",
    "aiosqlite",
    "redis",
    "backend.persistence",
    "backend.api",
    "backend.services",
)

DOMAIN_DIR = Path(backend.domain.__file__).parent


def _domain_modules() -> list[str]:
    names = ["backend.domain"]
    names += [
        info.name for info in pkgutil.walk_packages(backend.domain.__path__, "backend.domain.")
    ]
    return sorted(names)


def _is_forbidden(module: str) -> bool:
    return any(module == bad or module.startswith(bad + ".") for bad in FORBIDDEN)


def _imported_names(tree: ast.AST, package: str) -> set[str]:
    """Every module an `import` or `from ... import` statement in the tree names."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against the module's package
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_the_domain_package_has_modules_to_check():
    modules = _domain_modules()
    assert "backend.domain.stock.ledger" in modules
    assert "backend.domain.auth.permissions" in modules
    assert len(modules) >= 10


@pytest.mark.parametrize("module", _domain_modules())
def test_no_domain_module_names_a_framework_or_outer_layer_in_its_source(module):
    path = DOMAIN_DIR.parent.parent / Path(*module.split("."))
    source_file = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    tree = ast.parse(source_file.read_text(encoding="utf-8"), filename=str(source_file))
    package = module if source_file.name == "__init__.py" else module.rsplit(".", 1)[0]
    offending = sorted(name for name in _imported_names(tree, package) if _is_forbidden(name))
    assert offending == [], f"{module} imports {offending}"


def test_importing_every_domain_module_loads_no_framework_or_outer_layer():
    script = (
        "import importlib, json, sys\n"
        f"for name in {_domain_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=DOMAIN_DIR.parent.parent,
    )
    loaded = json.loads(done.stdout)
    assert "backend.domain.stock.ledger" in loaded
    offending = sorted(name for name in loaded if _is_forbidden(name))
    assert offending == [], f"importing backend.domain loads {offending}"


def test_the_checker_itself_spots_a_forbidden_import():
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from backend.persistence.models import Product\n"
        "def f():\n"
        "    import tortoise.fields\n"
        "from ...services import users\n"
    )
    names = _imported_names(tree, "backend.domain.stock")
    assert sorted(n for n in names if _is_forbidden(n)) == [
        "backend.persistence.models",
        "backend.persistence.models.Product",
        "backend.services",
        "backend.services.users",
        "tortoise.fields",
    ]
