"""Human-readable segment names and descriptions from profile lifts.

Names come from the lifts (segment mean / population mean) of
``recency_days`` (R), ``frequency`` (F), ``monetary`` (M),
``avg_order_value`` (A) and ``tenure_days`` (T) when present.  The first
matching rule wins (a rule whose inputs are absent never matches):

==============================  =============================================
name                            rule
==============================  =============================================
Champions                       R <= 0.8, F >= 1.5, M >= 1.5, share <= 25%
New customers                   T <= 0.5, F <= 0.67
Lapsed big spenders             R >= 2, and M >= 1 or A >= 1.5
Lapsed regulars                 R >= 2, F >= 1
Lapsed customers                R >= 2
At-risk regulars                1.3 <= R < 2, and F >= 0.75 or M >= 1
Lapsing occasional buyers       1.3 <= R < 2
Frequent bargain hunters        F >= 1.2, A <= 0.6, M <= 0.8 (if present)
High-value loyal                F >= 1.2, M >= 1.5, share <= 25%
Loyal regulars                  F >= 1.2
Big-ticket buyers               A >= 1.8, share <= 25%
Occasional buyers               F <= 0.5 and not lapsing/lapsed
<Tier>-value <activity>         tier from M (High >= 1.5, Low <= 0.67, else
customers                       Mid), activity from R (active / lapsing /
                                lapsed)
==============================  =============================================

Names are relative to the base: a name that singles out an elite (Champions,
High-value loyal, Big-ticket buyers) needs the segment to hold at most
``ELITE_MAX_SHARE`` of the customers; a larger segment falls through to the
next rule (a 41% segment of active, frequent buyers is "Loyal regulars").
Without any of these columns the name lists the two features with the
largest |log lift| (e.g. "High share grocery, low return rate").  Duplicate
names get the segment's most distinctive other feature appended, then a
number.  Descriptions give the typical figures in original units, e.g. "Last
order ~18 days ago, ~24 orders, ~3,600 spent in total, average order ~150;
3.1x the average customer's value."  They carry no size: the fit sees a
sample, so ``segments`` puts the count of every scored customer in front.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

RECENCY = "recency_days"
FREQUENCY = "frequency"
MONETARY = "monetary"
AOV = "avg_order_value"
TENURE = "tenure_days"
KNOWN = (RECENCY, FREQUENCY, MONETARY, AOV, TENURE)

# Wording for "high"/"low" values of well-known features.
_PHRASES = {
    RECENCY: ("long since last order", "recent orders"),
    FREQUENCY: ("frequent", "infrequent"),
    MONETARY: ("high spend", "low spend"),
    AOV: ("large baskets", "small baskets"),
    TENURE: ("long tenure", "short tenure"),
}
_DISTINCT_LIFT = 1.2
# Lifts below this compare as this when telling segments apart (0 = none at all).
_LIFT_FLOOR = 0.05
ELITE_MAX_SHARE = 0.25


def _ge(value: float | None, threshold: float) -> bool:
    return value is not None and value >= threshold


def _le(value: float | None, threshold: float) -> bool:
    return value is not None and value <= threshold


def _activity(recency: float | None) -> str | None:
    """'active', 'lapsing' or 'lapsed' from the recency lift."""
    if recency is None:
        return None
    if recency >= 2.0:
        return "lapsed"
    if recency >= 1.3:
        return "lapsing"
    return "active"


def _tier(monetary: float | None) -> str | None:
    """'High', 'Mid' or 'Low' value tier from the monetary lift."""
    if monetary is None:
        return None
    if monetary >= 1.5:
        return "High"
    if monetary <= 0.67:
        return "Low"
    return "Mid"


def _log_lift(lift: float) -> float:
    """|log lift|, or -1 when the lift cannot be compared (<= 0 or NaN)."""
    return abs(math.log(lift)) if np.isfinite(lift) and lift > 0 else -1.0


# Wording for families of generated features (prefix -> high / low templates).
_PREFIX_PHRASES = {
    "category_share_": ("{} buyers", "few {} purchases"),
    "channel_share_": ("{} shoppers", "rarely {}"),
    "event_count_": ("highly engaged", "low engagement"),
}
_OTHER_PHRASES = {
    "event_count": ("highly engaged", "low engagement"),
    "active_days": ("highly engaged", "low engagement"),
    "days_since_last_event": ("long since last visit", "recently engaged"),
    "mean_days_between_orders": (
        "long gaps between orders",
        "short gaps between orders",
    ),
    "return_rate": ("frequent returns", "rare returns"),
    "cancel_rate": ("frequent cancellations", "rare cancellations"),
}


def _phrase(feature: str, lift: float) -> str:
    """Marketer wording for a feature's lift, e.g. 'grocery buyers', 'low spend'."""
    phrases = _PHRASES.get(feature) or _OTHER_PHRASES.get(feature)
    if phrases is None:
        for prefix, (high, low) in _PREFIX_PHRASES.items():
            if feature.startswith(prefix):
                value = feature[len(prefix) :].replace("_", " ")
                value = "in-store" if value == "store" else value
                phrases = (high.format(value), low.format(value))
                break
    if phrases is None:
        words = feature.replace("_", " ")
        phrases = (f"high {words}", f"low {words}")
    high, low = phrases
    return high if lift > 1 else low


def _ranked(lifts: Mapping[str, float], exclude: tuple[str, ...] = ()) -> list[str]:
    """Features by descending |log lift| (ties by name), comparable only."""
    usable = [f for f in lifts if f not in exclude and _log_lift(lifts[f]) >= 0]
    return sorted(usable, key=lambda f: (-_log_lift(lifts[f]), f))


def _generic_name(lifts: Mapping[str, float]) -> str:
    """Name from the two most distinctive features, or 'Average customers'."""
    top = [
        f for f in _ranked(lifts) if _log_lift(lifts[f]) >= math.log(_DISTINCT_LIFT)
    ][:2]
    if not top:
        return "Average customers"
    text = ", ".join(_phrase(f, lifts[f]) for f in top)
    return text[0].upper() + text[1:]


def archetype(
    lifts: Mapping[str, float], share: float = 0.0
) -> tuple[str, tuple[str, ...]]:
    """Base name of a segment and the features the name is based on.

    Parameters
    ----------
    lifts : mapping
        Feature -> lift (segment mean / population mean).
    share : float, default 0.0
        The segment's share of the customers; elite names need at most
        :data:`ELITE_MAX_SHARE`.

    Returns
    -------
    name : str
        Base segment name (see the module table).
    used : tuple of str
        Features the name refers to (excluded when disambiguating).
    """

    def get(feature: str) -> float | None:
        value = lifts.get(feature)
        return float(value) if value is not None and np.isfinite(value) else None

    r, f, m, a, t = (get(x) for x in KNOWN)
    activity, tier = _activity(r), _tier(m)
    elite = share <= ELITE_MAX_SHARE
    rules: list[tuple[bool, str, tuple[str, ...]]] = [
        (
            elite
            and activity == "active"
            and _le(r, 0.8)
            and _ge(f, 1.5)
            and _ge(m, 1.5),
            "Champions",
            (RECENCY, FREQUENCY, MONETARY),
        ),
        (_le(t, 0.5) and _le(f, 0.67), "New customers", (TENURE, FREQUENCY)),
        (
            activity == "lapsed" and (_ge(m, 1.0) or _ge(a, 1.5)),
            "Lapsed big spenders",
            (RECENCY, MONETARY, AOV),
        ),
        (activity == "lapsed" and _ge(f, 1.0), "Lapsed regulars", (RECENCY, FREQUENCY)),
        (activity == "lapsed", "Lapsed customers", (RECENCY,)),
        (
            activity == "lapsing" and (_ge(f, 0.75) or _ge(m, 1.0)),
            "At-risk regulars",
            (RECENCY, FREQUENCY),
        ),
        (activity == "lapsing", "Lapsing occasional buyers", (RECENCY, FREQUENCY)),
        (
            _ge(f, 1.2) and _le(a, 0.6) and (m is None or m <= 0.8),
            "Frequent bargain hunters",
            (FREQUENCY, AOV),
        ),
        (
            elite and _ge(f, 1.2) and _ge(m, 1.5),
            "High-value loyal",
            (FREQUENCY, MONETARY),
        ),
        (_ge(f, 1.2), "Loyal regulars", (FREQUENCY,)),
        (elite and _ge(a, 1.8), "Big-ticket buyers", (AOV,)),
        (_le(f, 0.5), "Occasional buyers", (FREQUENCY,)),
    ]
    for matched, name, used in rules:
        if matched:
            return name, used
    if tier and activity:
        return f"{tier}-value {activity} customers", (MONETARY, RECENCY)
    if tier:
        return f"{tier}-value customers", (MONETARY,)
    if activity:
        return f"{activity.capitalize()} customers", (RECENCY,)
    return _generic_name(lifts), ()


def _approx(value: float) -> str:
    """Round for humans: 2 significant digits with separators (3,600; 18)."""
    if not np.isfinite(value):
        return "n/a"
    size = abs(value)
    if size >= 10:
        digits = int(math.floor(math.log10(size))) - 1
        return f"{round(value, -digits):,.0f}"
    if size >= 1:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    if size == 0:
        return "0"
    return f"{value:.2g}"


def _share_text(share: float) -> str:
    if share > 0 and share < 0.01:
        return "<1%"
    return f"{share:.0%}"


def describe(
    means: Mapping[str, float],
    lifts: Mapping[str, float],
    size: int | None = None,
    share: float | None = None,
) -> str:
    """One-line description of a segment with figures in original units.

    Parameters
    ----------
    means : mapping
        Feature -> segment mean in original units.
    lifts : mapping
        Feature -> lift.
    size : int, optional
        Customers in the segment; with ``share``, put in front.
    share : float, optional
        Share of all customers.

    Returns
    -------
    str
        For example "Last order ~18 days ago, ~24 orders, ~3,600 spent in
        total, average order ~150; 3.1x the average customer's value.", or
        with a size "512 customers (10%): last order ~18 days ago, ...".

    Examples
    --------
    >>> describe({"frequency": 24.0}, {"frequency": 2.0})
    '~24 orders.'
    """
    head = (
        f"{size:,} customer{'' if size == 1 else 's'} ({_share_text(share)})"
        if size is not None and share is not None
        else ""
    )
    templates = {
        RECENCY: "last order ~{} days ago",
        FREQUENCY: "~{} orders",
        MONETARY: "~{} spent in total",
        AOV: "average order ~{}",
        TENURE: "customer for ~{} days",
    }
    parts = [
        text.format(_approx(means[f]))
        for f, text in templates.items()
        if f in means and np.isfinite(means[f])
    ]
    if not parts:
        parts = [
            f"{f.replace('_', ' ')} ~{_approx(means[f])} ({lifts[f]:.1f}x average)"
            for f in _ranked(lifts)[:3]
            if np.isfinite(means.get(f, np.nan))
        ]
    body = ", ".join(parts)
    text = f"{head}: {body}" if head and body else (head or body)
    value_lift = lifts.get(MONETARY, np.nan)
    if np.isfinite(value_lift):
        value = f"{value_lift:.1f}x the average customer's value"
        text = f"{text}; {value}" if text else value
    return text + "."


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _telling_feature(
    lifts: Mapping[int, Mapping[str, float]],
    segment: int,
    twins: list[int],
    exclude: tuple[str, ...],
) -> str | None:
    """The feature that tells a segment from the others of the same base name.

    Preferred: a feature on which the segment sits on the other side of the
    population average from every twin, so that its phrase differs from theirs.
    Among those, the one that is both far from the twins and far from the average
    (the larger the smaller of the two log-lift distances). Lifts are floored at
    1/20 so that a zero (no events at all) compares as very low, not infinitely.
    Otherwise the segment's own most distinctive feature (its twins may share it;
    unique_names then numbers them).
    """
    own = lifts[segment]
    ranked = _ranked(own, exclude=exclude)
    if not ranked:
        return None

    def log_lift(lift: float | None) -> float | None:
        if lift is None or not np.isfinite(lift) or lift < 0:
            return None
        return math.log(max(lift, _LIFT_FLOOR))

    def score(feature: str) -> float | None:
        mine = log_lift(own.get(feature))
        if not mine:  # missing, or exactly average: no side to tell apart
            return None
        theirs = [log_lift(lifts[t].get(feature)) for t in twins]
        if any(other is None or other * mine >= 0 for other in theirs):
            return None
        return min(abs(mine), *(abs(mine - other) for other in theirs))

    scored = [(score(f), f) for f in own if f not in exclude]
    telling = sorted((-value, f) for value, f in scored if value is not None)
    return telling[0][1] if telling else ranked[0]


def unique_names(names: list[str]) -> list[str]:
    """Number repeated names in order ("X 1", "X 2"), avoiding collisions."""
    counts = pd.Series(names).value_counts()
    taken = set(names)
    numbers: dict[str, int] = {}
    out = []
    for name in names:
        if counts[name] == 1:
            out.append(name)
            continue
        candidate = name
        while candidate in taken:
            numbers[name] = numbers.get(name, 0) + 1
            candidate = f"{name} {numbers[name]}"
        taken.add(candidate)
        out.append(candidate)
    return out


def name_segments(profile: pd.DataFrame, sizes: pd.Series) -> pd.DataFrame:
    """Deterministic, unique names and one-line descriptions per segment.

    Parameters
    ----------
    profile : pandas.DataFrame
        Long table with ``segment_id, feature, mean_value, lift`` (as built by
        :func:`segmentation.model.build_profile`).
    sizes : pandas.Series
        Customers per segment, indexed by ``segment_id``.

    Returns
    -------
    pandas.DataFrame
        ``segment_id, segment_name, segment_description`` ordered by
        ``segment_id``.
    """
    total = float(sizes.sum())
    segment_ids = sorted(int(s) for s in sizes.index)
    lifts, means, bases = {}, {}, {}
    for segment in segment_ids:
        rows = profile[profile["segment_id"] == segment]
        lifts[segment] = dict(
            zip(rows["feature"], rows["lift"].astype(float), strict=True)
        )
        means[segment] = dict(
            zip(rows["feature"], rows["mean_value"].astype(float), strict=True)
        )
        share = float(sizes.loc[segment]) / total if total else 0.0
        bases[segment] = archetype(lifts[segment], share)

    names = {s: bases[s][0] for s in segment_ids}
    for segment in segment_ids:
        base, used = bases[segment]
        twins = [o for o in segment_ids if o != segment and bases[o][0] == base]
        if twins:
            feature = _telling_feature(lifts, segment, twins, used)
            if feature is not None:
                names[segment] = f"{base} ({_phrase(feature, lifts[segment][feature])})"
    final = unique_names([names[s] for s in segment_ids])
    return pd.DataFrame(
        {
            "segment_id": np.asarray(segment_ids, dtype=np.int64),
            "segment_name": pd.Series(final, dtype=object),
            "segment_description": pd.Series(
                [_capitalised(describe(means[s], lifts[s])) for s in segment_ids],
                dtype=object,
            ),
        }
    )
