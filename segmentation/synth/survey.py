"""``raw_survey_responses``: survey answers plus id-less, blank and duplicate rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.synth.plan import Plan
from segmentation.synth.profiles import (
    COLUMNS,
    CONTACT_PREFERENCES,
    INTERESTS,
    PRICE_SENSITIVITIES,
    segment_table,
)
from segmentation.synth.sampling import (
    as_probabilities,
    dirt_count,
    disjoint_positions,
    exact_copies,
    pick,
    pick_rows,
    rank_rows,
)
from segmentation.synth.text import sort_frame

_CONTACT_WEIGHTS = (0.60, 0.25, 0.15)
_INTEREST_COUNT_WEIGHTS = (0.40, 0.35, 0.25)
_SURVEY_DIRT_RATES = {
    "exact_duplicate": 0.01,
    "missing_id": 0.003,
    "missing_value": 0.005,
}
_ATTRIBUTES = ("interest", "price_sensitivity", "preferred_contact")


def _draw_survey(rng: np.random.Generator, plan: Plan) -> pd.DataFrame:
    """Draw survey answers of the responding customers.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : Plan
        Planted behaviour.

    Returns
    -------
    pandas.DataFrame
        ``customer``, ``attribute`` code and text ``value``.
    """
    segment = plan.segment
    respondents = np.flatnonzero(
        rng.random(plan.size) < segment_table("survey_probability")[segment]
    )
    size = len(respondents)
    n_interests = 1 + pick(rng, _INTEREST_COUNT_WEIGHTS, size)
    ranked = rank_rows(
        rng, as_probabilities(segment_table("interest_weights")[segment[respondents]])
    )
    owner = np.repeat(np.arange(size), n_interests)
    slot = np.arange(len(owner)) - np.repeat(
        np.cumsum(n_interests) - n_interests, n_interests
    )
    sensitivity = pick_rows(
        rng,
        as_probabilities(
            segment_table("price_sensitivity_weights")[segment[respondents]]
        ),
    )
    contact = pick(rng, _CONTACT_WEIGHTS, size)
    parts = [
        pd.DataFrame(
            {
                "customer": respondents[owner],
                "attribute": 0,
                "value": np.array(INTERESTS, dtype=object)[ranked[owner, slot]],
            }
        ),
        pd.DataFrame(
            {
                "customer": respondents,
                "attribute": 1,
                "value": np.array(PRICE_SENSITIVITIES, dtype=object)[sensitivity],
            }
        ),
        pd.DataFrame(
            {
                "customer": respondents,
                "attribute": 2,
                "value": np.array(CONTACT_PREFERENCES, dtype=object)[contact],
            }
        ),
    ]
    return pd.concat(parts, ignore_index=True)


def build_survey(
    rng: np.random.Generator, plan: Plan, customer_ids: np.ndarray
) -> pd.DataFrame:
    """Build ``raw_survey_responses``: answers plus dirty rows.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : Plan
        Planted behaviour.
    customer_ids : numpy.ndarray
        Text id of every customer index.

    Returns
    -------
    pandas.DataFrame
        The published table, sorted by customer, question and answer.
    """
    answers = _draw_survey(rng, plan)
    answers["customer_id"] = customer_ids[answers["customer"].to_numpy()]
    answers["sort_key"] = answers["customer"].astype(float)
    answers["attribute_code"] = answers["attribute"]
    answers["attribute"] = np.array(_ATTRIBUTES, dtype=object)[
        answers["attribute_code"]
    ]
    answers["variant"] = 0
    n_answers = len(answers)
    missing_rows, blank_rows = disjoint_positions(
        rng,
        n_answers,
        [
            dirt_count(n_answers, _SURVEY_DIRT_RATES["missing_id"]),
            dirt_count(n_answers, _SURVEY_DIRT_RATES["missing_value"]),
        ],
    )
    missing = answers.iloc[missing_rows].copy()
    missing["customer_id"] = ""
    missing["sort_key"] = missing["sort_key"] + 0.5
    blank = answers.iloc[blank_rows].copy()
    blank["value"] = ""
    blank["variant"] = 2
    n_copies = dirt_count(n_answers, _SURVEY_DIRT_RATES["exact_duplicate"])
    copies = exact_copies(rng, answers, n_copies)
    copies["variant"] = 1
    table = pd.concat([answers, missing, blank, copies], ignore_index=True)
    return sort_frame(
        table,
        ["sort_key", "attribute_code", "variant", "value"],
        COLUMNS["raw_survey_responses"],
    )
