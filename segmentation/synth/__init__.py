"""Deterministic generator of the bundled, deliberately dirty retail sample.

The sample is a fictional retailer's extract taken on 2026-07-01: three years of order
lines (2023-07-01 to 2026-06-30), customer records, engagement events and survey
answers. Every customer is generated from one of six planted behavioural segments
(``sample_true_segments``) so that the project can measure how well its segments
recover a known truth. Dirty rows are mixed in on purpose so that staging has real work
to do; each one is a single, identifiable corruption of a plausible row.

The output is byte-identical for a given ``random_state`` and ``n_customers``: only
``numpy.random.default_rng`` is used, every value is formatted as text by the package,
columns have a fixed order and rows a deterministic sort.

The package is split by concern:

:mod:`~segmentation.synth.profiles`
    Dates, vocabularies, table columns, dirty spellings and the six planted
    :data:`SEGMENTS` (also the large-data generator's, :mod:`segmentation.bigdata`).
:mod:`~segmentation.synth.sampling`
    Random draws shared by the tables.
:mod:`~segmentation.synth.text`
    Value formats, messy and dirty spellings, CSV writing.
:mod:`~segmentation.synth.plan`
    Every customer's planted behaviour.
:mod:`~segmentation.synth.orders`
    ``raw_orders``.
:mod:`~segmentation.synth.customers`
    ``raw_customers``, with fake identities from
    :mod:`~segmentation.synth.identities`.
:mod:`~segmentation.synth.events`
    ``raw_events``.
:mod:`~segmentation.synth.survey`
    ``raw_survey_responses``.
:mod:`~segmentation.synth.sample`
    :func:`generate_sample`, :func:`write_sample` and the command line.

Examples
--------
Write the committed seeds::

    python -m segmentation.synth --out seeds
"""

from segmentation.synth.profiles import (
    BAD_AMOUNTS,
    BAD_BIRTH_DATE_TEMPLATES,
    BAD_TIMESTAMP_TEMPLATES,
    CATEGORIES,
    CHANNELS,
    COLUMNS,
    CONTACT_PREFERENCES,
    EDUCATIONS,
    EVENT_TYPES,
    EXTRACT_DATE,
    FUTURE_YEARS,
    GENDERS,
    INTERESTS,
    MARITAL_STATUSES,
    MISSING_CUSTOMER_IDS,
    OCCUPATIONS,
    PRICE_SENSITIVITIES,
    SEGMENT_NAMES,
    SEGMENTS,
    STATUSES,
    WINDOW_START,
    SegmentProfile,
)
from segmentation.synth.sample import generate_sample, main, write_sample

__all__ = [
    "BAD_AMOUNTS",
    "BAD_BIRTH_DATE_TEMPLATES",
    "BAD_TIMESTAMP_TEMPLATES",
    "CATEGORIES",
    "CHANNELS",
    "COLUMNS",
    "CONTACT_PREFERENCES",
    "EDUCATIONS",
    "EVENT_TYPES",
    "EXTRACT_DATE",
    "FUTURE_YEARS",
    "GENDERS",
    "INTERESTS",
    "MARITAL_STATUSES",
    "MISSING_CUSTOMER_IDS",
    "OCCUPATIONS",
    "PRICE_SENSITIVITIES",
    "SEGMENTS",
    "SEGMENT_NAMES",
    "STATUSES",
    "WINDOW_START",
    "SegmentProfile",
    "generate_sample",
    "main",
    "write_sample",
]
