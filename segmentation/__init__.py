"""Customer segmentation: the Python half of the dbt project (sample data, ML)."""

import importlib
import threading
from contextlib import contextmanager

# What the Python models need from the scientific stack, imported once under the lock.
_SCIENTIFIC_STACK = (
    "scipy.cluster.hierarchy",
    "scipy.optimize",
    "scipy.spatial.distance",
    "scipy.special",
    "sklearn.base",
    "sklearn.cluster",
    "sklearn.decomposition",
    "sklearn.ensemble",
    "sklearn.metrics",
    "sklearn.mixture",
    "sklearn.neural_network",
    "sklearn.tree",
)
_IMPORT_LOCK = threading.RLock()


@contextmanager
def serial_imports():
    """Import inside this block one thread at a time.

    dbt runs Python models in threads. Two models importing scipy or scikit-learn at
    the same moment can each find the other's module half initialised ("cannot import
    name ... from partially initialized module"), and the model fails at random.
    Every Python model imports the project's modules inside this block; the first
    one also imports the scientific stack while the others wait.
    """
    with _IMPORT_LOCK:
        for name in _SCIENTIFIC_STACK:
            importlib.import_module(name)
        yield
