"""The sample as text: value formats, messy and dirty spellings, CSV files.

Every generated value is formatted here, so that the files are byte-identical for a
given seed; the dirty spellings are the exact ones the staging models must handle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from segmentation.synth.profiles import (
    BAD_TIMESTAMP_TEMPLATES,
    EXTRACT_DAY,
    EXTRACT_SECOND,
    FUTURE_YEARS,
)
from segmentation.synth.sampling import pick

_VARIANT_TEMPLATES = ("{t}", "{u}", " {v} ", "{v} ", " {v}", " {t} ", "{t} ", "{u} ")


def format_moments(moments: np.ndarray) -> np.ndarray:
    """Format moments as ``YYYY-MM-DD HH:MM:SS``.

    Parameters
    ----------
    moments : numpy.ndarray
        ``datetime64[s]`` values.

    Returns
    -------
    numpy.ndarray
        Object array of strings.

    Examples
    --------
    >>> format_moments(np.array(["2026-06-30T18:05:00"], dtype="datetime64[s]"))
    array(['2026-06-30 18:05:00'], dtype=object)
    """
    text = np.datetime_as_string(moments, unit="s")
    return np.char.replace(text, "T", " ").astype(object)


def format_timestamps(seconds: np.ndarray) -> np.ndarray:
    """Format seconds before the extract as ``YYYY-MM-DD HH:MM:SS``.

    Parameters
    ----------
    seconds : numpy.ndarray
        Integer seconds between the moment and the extract date (positive = before).

    Returns
    -------
    numpy.ndarray
        Object array of strings.
    """
    return format_moments(EXTRACT_SECOND - seconds.astype("timedelta64[s]"))


def format_dates(days: np.ndarray) -> np.ndarray:
    """Format whole days before the extract as ``YYYY-MM-DD``.

    Parameters
    ----------
    days : numpy.ndarray
        Integer days before the extract date.

    Returns
    -------
    numpy.ndarray
        Object array of strings.
    """
    moments = EXTRACT_DAY - days.astype("timedelta64[D]")
    return np.datetime_as_string(moments, unit="D").astype(object)


def format_amounts(amounts: np.ndarray) -> np.ndarray:
    """Format amounts with two decimals.

    Parameters
    ----------
    amounts : numpy.ndarray
        Float amounts.

    Returns
    -------
    numpy.ndarray
        Object array of strings such as ``"123.45"``.
    """
    return format_floats(amounts, ".2f")


def format_floats(values: np.ndarray, spec: str) -> np.ndarray:
    """Format floats with one format spec (deterministic text).

    Parameters
    ----------
    values : numpy.ndarray
        Float values.
    spec : str
        Format spec such as ``".8g"``.

    Returns
    -------
    numpy.ndarray
        Object array of strings.

    Examples
    --------
    >>> format_floats(np.array([0.125, 2.0]), ".2f")
    array(['0.12', '2.00'], dtype=object)
    """
    return np.array([format(value, spec) for value in values], dtype=object)


def format_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Format integer identifiers with a prefix and zero padding.

    Parameters
    ----------
    prefix : str
        Letter prefix, e.g. ``"C"``.
    numbers : numpy.ndarray
        Positive integers.
    width : int
        Minimum number of digits.

    Returns
    -------
    numpy.ndarray
        Object array such as ``"C00042"``.
    """
    return np.array([f"{prefix}{number:0{width}d}" for number in numbers], dtype=object)


def _messy_variant(value: str, template: str) -> str:
    """Spell a canonical value with stray case or whitespace.

    Parameters
    ----------
    value : str
        Canonical lower-case value.
    template : str
        One of the variant templates (``{v}`` as is, ``{t}`` title, ``{u}`` upper).

    Returns
    -------
    str
        The messy spelling; it normalises back with ``lower(trim(...))``.
    """
    return template.format(v=value, t=value.title(), u=value.upper())


def messy_values(
    rng: np.random.Generator, values: np.ndarray, canonical: Sequence[str]
) -> np.ndarray:
    """Replace canonical codes by messy case/whitespace spellings.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    values : numpy.ndarray
        Integer codes into ``canonical``.
    canonical : sequence of str
        Canonical spellings.

    Returns
    -------
    numpy.ndarray
        Object array of messy strings (never equal to the canonical spelling).
    """
    templates = pick(rng, [1.0] * len(_VARIANT_TEMPLATES), len(values))
    return np.array(
        [
            _messy_variant(canonical[code], _VARIANT_TEMPLATES[template])
            for code, template in zip(values, templates, strict=True)
        ],
        dtype=object,
    )


def sort_frame(
    frame: pd.DataFrame, keys: list[str], columns: Sequence[str]
) -> pd.DataFrame:
    """Sort by hidden keys (stable) and keep only the published columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table with the keys and the published columns.
    keys : list of str
        Sort keys, most significant first.
    columns : sequence of str
        Published columns, in order.

    Returns
    -------
    pandas.DataFrame
        Text columns only, fresh ``RangeIndex``.
    """
    ordered = frame.sort_values(keys, kind="mergesort").reset_index(drop=True)
    return ordered.loc[:, list(columns)].astype(str)


def corrupt_timestamp(rng: np.random.Generator, text: str) -> str:
    """Turn a timestamp into one of the unparseable spellings.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    text : str
        A valid ``YYYY-MM-DD[ HH:MM:SS]`` value.

    Returns
    -------
    str
        An unparseable value from :data:`BAD_TIMESTAMP_TEMPLATES`.
    """
    template = BAD_TIMESTAMP_TEMPLATES[int(rng.integers(len(BAD_TIMESTAMP_TEMPLATES)))]
    time = text[11:] if len(text) > 10 else "12:00:00"
    return template.format(year=text[:4], time=time)


def future_timestamp(rng: np.random.Generator, text: str) -> str:
    """Move a timestamp to a far-future year (a typo-like, parseable value).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    text : str
        A valid ``YYYY-MM-DD[ HH:MM:SS]`` value.

    Returns
    -------
    str
        The same value in one of :data:`FUTURE_YEARS` (29 February becomes the 28th).
    """
    year = FUTURE_YEARS[int(rng.integers(len(FUTURE_YEARS)))]
    rest = text[4:].replace("-02-29", "-02-28")
    return f"{year}{rest}"


def write_csv_tables(
    tables: Mapping[str, pd.DataFrame], out_dir: str | Path
) -> dict[str, Path]:
    """Write one UTF-8 CSV file per table, with ``\\n`` line ends and no index.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Tables by name.
    out_dir : str or pathlib.Path
        Directory to write into (created if missing).

    Returns
    -------
    dict of str to pathlib.Path
        Path of every written file, by table name (``<name>.csv``).
    """
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in tables.items():
        path = directory / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        paths[name] = path
    return paths
