"""Normal and Poisson loss functions (S&S Appendix C) and what every textbook model here shares.

The ``textbook_*`` modules are the classic single-echelon inventory formulas (EOQ, newsvendor /
base-stock, (r, Q) and (s, S)), kept in the tests as the textbook reference to check the
planning code against; ``rxsupply`` itself never imports them. Every function follows the
notation and conventions of

    L. V. Snyder and Z.-J. M. Shen, *Fundamentals of Supply Chain Theory*, 2nd ed.,
    Wiley, 2019 (cited below as "S&S"),

and is checked in ``test_formulas.py`` against the book's worked examples and against the
reference implementation by the same author, ``stockpyl``. They use the standard library,
numpy and scipy only.

Symbols and units
-----------------
``K``  fixed cost per order (currency per order).
``h``  holding cost per item per unit time (periodic models: per period).
``p``  stockout (backorder) cost per item per unit time (periodic models: per period).
``lambda``, ``tau``  demand rate and its standard deviation per unit time (continuous review).
``mu``, ``sigma``  mean and standard deviation of demand per period (periodic review).
Costs returned are expected costs per unit time (per period in the periodic models). Quantities
are in items. All demand is backordered, never lost.

The normal loss function is ``n(x) = E[(X - x)^+]``, its complement
``nbar(x) = E[(x - X)^+] = x - mean + n(x)`` and the second-order loss function
``n2(x) = 1/2 E[((X - x)^+)^2]`` (S&S Appendix C, eqs. (C.22)-(C.34), (C.41)).
"""

from __future__ import annotations

import math
import operator
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from scipy import special

__all__ = [
    "MAX_ITERATIONS",
    "SQRT_2PI",
    "FloatArray",
    "IntArray",
    "normal_loss",
    "normal_second_loss",
    "poisson_loss",
    "poisson_pmf",
    "poisson_ppf",
    "require_integer",
    "require_non_negative",
    "require_positive",
    "scalar_or_array",
    "std_normal_ppf",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.integer[Any]]

MAX_ITERATIONS = 10_000
SQRT_2PI = math.sqrt(2 * math.pi)


# --- validation helpers ----------------------------------------------------------------------


def require_positive(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be positive and finite, got {value!r}")


def require_non_negative(name: str, value: float) -> None:
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be non-negative and finite, got {value!r}")


def require_integer(name: str, value: int) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def scalar_or_array(result: FloatArray, x: float | FloatArray | IntArray) -> float | FloatArray:
    return float(result) if np.ndim(x) == 0 else result


# --- distribution primitives (scipy.special ufuncs, which are typed) ---------------------------


def _std_normal_pdf(z: FloatArray) -> FloatArray:
    return np.asarray(np.exp(-0.5 * z * z) / SQRT_2PI, dtype=np.float64)


def _std_normal_sf(z: FloatArray) -> FloatArray:
    return np.asarray(special.ndtr(-z), dtype=np.float64)


def std_normal_ppf(q: float) -> float:
    return float(special.ndtri(q))


def poisson_pmf(k: IntArray, mean: float) -> FloatArray:
    kk = np.maximum(k, 0).astype(np.float64)
    log_pmf = special.xlogy(kk, mean) - mean - special.gammaln(kk + 1)
    return np.asarray(np.where(k < 0, 0.0, np.exp(log_pmf)), dtype=np.float64)


def _poisson_cdf(k: IntArray, mean: float) -> FloatArray:
    return np.asarray(np.where(k < 0, 0.0, special.pdtr(np.maximum(k, 0), mean)), np.float64)


def _poisson_sf(k: IntArray, mean: float) -> FloatArray:
    return np.asarray(np.where(k < 0, 1.0, special.pdtrc(np.maximum(k, 0), mean)), np.float64)


def poisson_ppf(q: float, mean: float) -> int:
    """Smallest integer ``k >= 0`` with ``F(k) >= q`` for ``Poisson(mean)``, ``0 < q < 1``."""
    upper = int(mean + 12 * math.sqrt(mean) + 12)
    while True:
        cdf = _poisson_cdf(np.arange(upper + 1), mean)
        k = int(np.searchsorted(cdf, q, side="left"))
        if k <= upper:
            return k
        upper *= 2


# --- loss functions (S&S Appendix C) ---------------------------------------------------------


@overload
def normal_loss(x: float, *, mean: float, sd: float) -> float: ...
@overload
def normal_loss(x: FloatArray, *, mean: float, sd: float) -> FloatArray: ...
def normal_loss(x: float | FloatArray, *, mean: float, sd: float) -> float | FloatArray:
    """Normal first-order loss function ``n(x) = E[(X - x)^+]`` for ``X ~ N(mean, sd^2)``.

    S&S eqs. (C.22) and (C.31): ``n(x) = sd * L(z)`` with ``z = (x - mean) / sd`` and
    ``L(z) = phi(z) - z (1 - Phi(z))``. ``x`` is a number or a numpy array (vectorised);
    units are those of the demand. ``sd = 0`` gives the deterministic ``max(mean - x, 0)``.
    """
    require_non_negative("sd", sd)
    xs = np.asarray(x, dtype=np.float64)
    if sd == 0:
        return scalar_or_array(np.maximum(mean - xs, 0.0), x)
    z = (xs - mean) / sd
    loss = sd * (_std_normal_pdf(z) - z * _std_normal_sf(z))
    return scalar_or_array(np.asarray(loss, dtype=np.float64), x)


@overload
def normal_second_loss(x: float, *, mean: float, sd: float) -> float: ...
@overload
def normal_second_loss(x: FloatArray, *, mean: float, sd: float) -> FloatArray: ...
def normal_second_loss(x: float | FloatArray, *, mean: float, sd: float) -> float | FloatArray:
    """Normal second-order loss ``n2(x) = 1/2 E[((X - x)^+)^2]``, ``X ~ N(mean, sd^2)``.

    S&S eqs. (C.27) and (C.33): ``n2(x) = sd^2 * L2(z)`` with
    ``L2(z) = 1/2 [(z^2 + 1)(1 - Phi(z)) - z phi(z)]``; ``d n2 / dx = -n(x)``. Vectorised in
    ``x``; units are demand units squared. ``sd = 0`` gives ``max(mean - x, 0)^2 / 2``.
    """
    require_non_negative("sd", sd)
    xs = np.asarray(x, dtype=np.float64)
    if sd == 0:
        return scalar_or_array(0.5 * np.maximum(mean - xs, 0.0) ** 2, x)
    z = (xs - mean) / sd
    loss2 = 0.5 * sd**2 * ((z**2 + 1) * _std_normal_sf(z) - z * _std_normal_pdf(z))
    return scalar_or_array(np.asarray(loss2, dtype=np.float64), x)


@overload
def poisson_loss(x: int, *, mean: float) -> float: ...
@overload
def poisson_loss(x: IntArray, *, mean: float) -> FloatArray: ...
def poisson_loss(x: int | IntArray, *, mean: float) -> float | FloatArray:
    """Poisson first-order loss function ``n(x) = E[(X - x)^+]`` for ``X ~ Poisson(mean)``.

    S&S eq. (C.41): ``n(x) = -(x - mean)(1 - F(x)) + mean f(x)`` for integer ``x`` (negative
    ``x`` gives ``mean - x``). Vectorised over integer arrays; units are items.
    """
    require_non_negative("mean", mean)
    xs = np.asarray(x)
    if not np.issubdtype(xs.dtype, np.integer):
        raise ValueError(f"x must be an integer or an integer array, got {x!r}")
    xf = xs.astype(np.float64)
    loss = -(xf - mean) * _poisson_sf(xs, mean) + mean * poisson_pmf(xs, mean)
    return scalar_or_array(np.asarray(loss, dtype=np.float64), x)
