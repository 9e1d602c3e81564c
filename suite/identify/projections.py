"""Projection figures of the targets over all candidates (paper Section III.B).

Which pairs: unless the user names them, the pairs on which the selected points are
most **concentrated** relative to the prior. For parameters ``i, j`` let ``C_sel``
and ``C_cand`` be the 2x2 covariance matrices of the uncertainty-selected points
and of all candidates; the concentration ratio is

    rho_ij = sqrt(det C_sel / det C_cand),

the area of the selection's covariance ellipse relative to the prior's (1 = spread
like the prior, 0 = collapsed onto a line or point; invariant to the units and
scaling of each axis). The boundary shows in the planes of the parameters it
depends on: there the targets gather along a curve (small rho), while on
parameters the boundary ignores the targets keep the prior's uniform spread
(rho about 1) and the plane shows nothing. So the *smallest* rho come first.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from datasets.space import Space

__all__ = ["choose_pairs", "concentration", "mass_plane_figure", "projection_grid"]

_MAX_BACKGROUND = 20_000


def concentration(selected: np.ndarray, candidates: np.ndarray, i: int, j: int) -> float:
    """``rho_ij`` of the module docstring (1.0 when fewer than three points are selected)."""
    if len(selected) < 3:
        return 1.0
    det_sel = float(np.linalg.det(np.cov(selected[:, [i, j]], rowvar=False)))
    det_cand = float(np.linalg.det(np.cov(candidates[:, [i, j]], rowvar=False)))
    return float(np.sqrt(max(det_sel, 0.0) / det_cand)) if det_cand > 0 else 1.0


def choose_pairs(
    names: tuple[str, ...] | list[str],
    selected: np.ndarray,
    candidates: np.ndarray,
    n_pairs: int,
    pairs: list[tuple[str, str]] | None = None,
) -> list[tuple[int, int, float]]:
    """``(i, j, rho_ij)`` of the named ``pairs``, or of the ``n_pairs`` most concentrated ones.

    Raises
    ------
    ValueError
        When a named parameter is not in the space (the valid names are listed).
    """
    names = list(names)
    if pairs:
        unknown = sorted({p for pair in pairs for p in pair} - set(names))
        if unknown:
            raise ValueError(f"projection.pairs names unknown parameters {unknown}; the space has {names}.")
        return [(names.index(a), names.index(b), concentration(selected, candidates, names.index(a), names.index(b)))
                for a, b in pairs]
    scored = [(i, j, concentration(selected, candidates, i, j)) for i, j in combinations(range(len(names)), 2)]
    scored.sort(key=lambda t: (t[2], t[0], t[1]))
    return scored[:n_pairs]


def _label(space: Space, k: int) -> str:
    unit = space.units[k] if k < len(space.units) else ""
    return f"{space.names[k]} [{unit}]" if unit and unit != "-" else space.names[k]


def _vmin(targets: pd.DataFrame) -> float:
    """Colour scale from the lowest exported uncertainty up to 1, so differences among targets show."""
    low = float(targets.uncertainty.min()) if len(targets) else 0.0
    return min(low, 0.99)


def _background(candidates: np.ndarray) -> np.ndarray:
    step = max(1, len(candidates) // _MAX_BACKGROUND)
    return candidates[::step]


def projection_grid(space: Space, candidates: np.ndarray, targets: pd.DataFrame,
                    pairs: list[tuple[int, int, float]], *, title: str = "") -> Figure:
    """A grid of 2-D projections: candidates in grey, targets coloured by uncertainty, random ones as crosses."""
    if not pairs:
        raise ValueError("no projection pairs: the space needs at least two parameters.")
    cols = min(3, len(pairs))
    rows = -(-len(pairs) // cols)
    fig = Figure(figsize=(4.2 * cols + 1.0, 3.8 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    x_sel = targets[list(space.names)].to_numpy()
    random = targets["random"].to_numpy(bool)
    back = _background(candidates)
    points = None
    for ax, (i, j, rho) in zip(axes, pairs, strict=False):
        ax.scatter(back[:, i], back[:, j], s=2, c="0.8", lw=0, rasterized=True, label="candidates (prior)")
        points = ax.scatter(x_sel[~random, i], x_sel[~random, j], s=6, c=targets.uncertainty[~random],
                            cmap="viridis", vmin=_vmin(targets), vmax=1.0, lw=0, label="targets")
        if random.any():
            ax.scatter(x_sel[random, i], x_sel[random, j], s=8, c="black", marker="x", lw=0.6, label="random mix")
        ax.set_xlabel(_label(space, i))
        ax.set_ylabel(_label(space, j))
        ax.set_title(f"rho = {rho:.2f}", fontsize=9)
    for ax in axes[len(pairs):]:
        ax.set_visible(False)
    axes[0].legend(loc="best", fontsize=7, markerscale=2)
    if points is not None:
        fig.colorbar(points, ax=list(axes[: len(pairs)]), label="uncertainty (eq. 1)", shrink=0.8)
    fig.suptitle(title or "most uncertain points over the candidates (rho: concentration, smallest first)")
    return fig


def mass_plane_figure(candidate_masses: pd.DataFrame, targets: pd.DataFrame, *, title: str = "") -> Figure:
    """Targets on the approximate LSP-gluino mass plane, coloured by uncertainty."""
    fig = Figure(figsize=(6.2, 5.0), layout="constrained")
    ax = fig.subplots()
    step = max(1, len(candidate_masses) // _MAX_BACKGROUND)
    back = candidate_masses.iloc[::step]
    ax.scatter(back.m_gluino_approx, back.m_lsp_approx, s=2, c="0.8", lw=0, rasterized=True, label="candidates (prior)")
    random = targets["random"].to_numpy(bool)
    points = ax.scatter(targets.m_gluino_approx[~random], targets.m_lsp_approx[~random], s=6,
                        c=targets.uncertainty[~random], cmap="viridis", vmin=_vmin(targets), vmax=1.0, lw=0, label="targets")
    if random.any():
        ax.scatter(targets.m_gluino_approx[random], targets.m_lsp_approx[random], s=8, c="black", marker="x",
                   lw=0.6, label="random mix")
    fig.colorbar(points, ax=ax, label="uncertainty (eq. 1)")
    ax.set_xlabel("m_gluino ~ |M3| [GeV] (tree-level approximation)")
    ax.set_ylabel("m_LSP ~ min(|M1|, |M2|, |mu|) [GeV] (tree-level approximation)")
    ax.set_title(title or "approximate mass plane (no mixing, no loop corrections)", fontsize=9)
    ax.legend(loc="best", fontsize=7, markerscale=2)
    return fig
