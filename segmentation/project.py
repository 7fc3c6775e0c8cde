"""Facts the dbt project declares once, read from its files for the Python side.

- the defaults of every parameter: the ``vars:`` of ``dbt_project.yml``;
- the public tables: the models with ``access: public`` in ``models/**/*.yml``.

The package lives inside the dbt project (``pip install -e .``), so these files sit
next to it. Inside a dbt run the Python models get their parameters from the model
config instead and never read these files.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
PROJECT_FILE = PROJECT_DIR / "dbt_project.yml"


def _load_yaml(path: Path) -> Any:
    import yaml

    if not path.exists():
        raise FileNotFoundError(
            f"{path} not found: the package reads the dbt project it belongs to. "
            "Install it from the project folder (pip install -e .)."
        )
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=1)
def project_vars() -> dict[str, Any]:
    """The ``vars:`` of ``dbt_project.yml``: the project's defaults.

    Raises
    ------
    FileNotFoundError
        When the package runs without its dbt project next to it (then pass
        every parameter explicitly, as the dbt models do).
    """
    return dict(_load_yaml(PROJECT_FILE)["vars"])


@lru_cache(maxsize=1)
def public_tables() -> tuple[str, ...]:
    """The models declared ``access: public``, in the order the YAML lists them.

    These are the tables BI tools read: ``make publish`` copies them, the docs and
    the README list them, and tests check that every one is built.
    """
    names = []
    for path in sorted((PROJECT_DIR / "models").rglob("*.yml")):
        for node in (_load_yaml(path) or {}).get("models", []) or []:
            access = node.get("access") or (node.get("config") or {}).get("access")
            if access == "public":
                names.append(node["name"])
    return tuple(names)
