"""dbt runs Python models in threads: they must not import the scientific stack at
the same moment (a random "partially initialized module" failure, seen in CI)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

MODELS = sorted((Path(__file__).parents[2] / "models").rglob("*.py"))


def _project_imports(tree):
    """(line, inside serial_imports()) for each import of the project's modules."""
    found = []

    def visit(node, guarded):
        for child in ast.iter_child_nodes(node):
            inside = guarded
            if isinstance(child, ast.With):
                inside = guarded or any(
                    isinstance(item.context_expr, ast.Call)
                    and getattr(item.context_expr.func, "id", None) == "serial_imports"
                    for item in child.items
                )
            if isinstance(child, ast.ImportFrom) and (child.module or "").startswith(
                "segmentation."
            ):
                found.append((child.lineno, inside))
            visit(child, inside)

    visit(tree, False)
    return found


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_python_model_imports_the_project_inside_serial_imports(path):
    imports = _project_imports(ast.parse(path.read_text()))
    assert imports, f"{path.name} imports nothing from the segmentation package"
    unguarded = [line for line, inside in imports if not inside]
    assert not unguarded, (
        f"{path.name}: imports outside serial_imports() at lines {unguarded}"
    )


RACE = """
import importlib, sys, threading
from segmentation import serial_imports
modules = sys.argv[1:]
start = threading.Barrier(len(modules))
errors = []
def load(name):
    start.wait()
    try:
        with serial_imports():
            importlib.import_module(name)
    except Exception as error:
        errors.append(repr(error))
threads = [threading.Thread(target=load, args=(m,)) for m in modules]
for t in threads: t.start()
for t in threads: t.join()
if errors:
    sys.exit("; ".join(errors))
"""


def test_models_importing_at_once_all_load():
    modules = [
        "segmentation.candidates",
        "segmentation.predictions",
        "segmentation.explain",
        "segmentation.model",
    ]
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, *modules], stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    failures = [err for run in runs if (err := run.communicate()[1]) or run.returncode]
    assert not failures, failures[0]
