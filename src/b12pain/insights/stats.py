"""Small, deterministic statistics: means and a Welch t-interval for a difference of means.

No random numbers: the same data always gives the same interval. The t quantile uses the
Cornish–Fisher expansion around the normal quantile (accurate to about 0.01 from 3 degrees of
freedom; checked against printed t tables in the tests).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist, fmean


def _variance(values: Sequence[float], mean: float) -> float:
    """Sample variance in floats (`statistics.variance` is exact but far slower)."""
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)


def t_quantile(probability: float, df: float) -> float:
    """The Student t quantile for `probability` (e.g. 0.975) with `df` degrees of freedom."""
    if not 0 < probability < 1:
        raise ValueError("probability must be between 0 and 1")
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    z = NormalDist().inv_cdf(probability)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


@dataclass(frozen=True)
class Difference:
    """`after − before` of two means, with a confidence interval and the data behind it."""

    before_mean: float
    after_mean: float
    difference: float
    low: float
    high: float
    before_n: int
    after_n: int
    level: float


def mean_difference(
    before: Sequence[float], after: Sequence[float], level: float = 0.95
) -> Difference:
    """Welch's interval for mean(after) − mean(before); each group needs at least 2 values."""
    if len(before) < 2 or len(after) < 2:
        raise ValueError("each group needs at least 2 values")
    m0, m1 = fmean(before), fmean(after)
    v0, v1 = _variance(before, m0) / len(before), _variance(after, m1) / len(after)
    se = math.sqrt(v0 + v1)
    if se == 0:
        half = 0.0
    else:
        df = (v0 + v1) ** 2 / (v0**2 / (len(before) - 1) + v1**2 / (len(after) - 1))
        half = t_quantile(0.5 + level / 2, df) * se
    diff = m1 - m0
    return Difference(m0, m1, diff, diff - half, diff + half, len(before), len(after), level)
