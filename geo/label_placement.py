"""Collision-free placement of label boxes in screen pixels, by rank (used by geo.labels).

Each label has eight candidate boxes around its dot (beside, above, below, diagonal); every box
contains its dot, so two boxes apart at one zoom stay apart at every larger zoom, and a
pair of boxes parts for good at one zoom, ``log2(reach / distance)`` on the axis where
they part first.

A label's least zoom ``m`` follows from the labels ranked above it alone: it is the least
zoom (on the grid of zooms tried) from which one of its positions overlaps none of them,
where a label ``j`` above counts only if it is shown before the two part (``m_j`` below
the zoom they part at). So a label never hides a more important one, labels never
overlap at any zoom, and once shown a label stays shown. For one zoom this is the usual
greedy placement by rank.

Labels are settled in rank order, in batches: a batch is settled at once up to its first
label that a label earlier in the same batch overlaps, and the rest is tried again. Each
settled label raises, in one vectorised step, the least free zoom (``free_from``) of the
positions of the labels below it that it overlaps. The dots are indexed once, at zoom 0.
"""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["candidate_boxes", "place"]

_DOT = 3.0  # radius in px of the dot drawn at the place
_GAP = 3.0  # between dot and text
_PAD = 2.0  # around every label box, so neighbours never touch
_CHAR_WIDTH = 0.6  # of the font size: DejaVu Sans / Open Sans average, a little generous
_LINE_HEIGHT = 1.25


def candidate_boxes(text, size) -> np.ndarray:
    """(n, 8 positions, [xmin, ymin, xmax, ymax]) label boxes around the dot, in px.

    The positions are right, left, above, below, then above right, below right, above
    left, below left (y grows downwards; the order of ``geo.labels.POSITIONS``). A box is
    estimated from the number of characters and the font size ``size`` (px); each
    contains its dot.
    """
    chars = np.fromiter((len(t) for t in text), dtype=float, count=len(text))
    size = np.asarray(size, dtype=float)
    w = chars * _CHAR_WIDTH * size
    h = _LINE_HEIGHT * size
    half_h = np.maximum(h / 2, _DOT)
    half_w = np.maximum(w / 2, _DOT)
    reach_x = _DOT + _GAP + w
    reach_y = _DOT + _GAP + h
    dot = np.full(len(chars), _DOT)
    boxes = np.stack(
        [
            np.stack([-dot, -half_h, reach_x, half_h], axis=-1),
            np.stack([-reach_x, -half_h, dot, half_h], axis=-1),
            np.stack([-half_w, -reach_y, half_w, dot], axis=-1),
            np.stack([-half_w, -dot, half_w, reach_y], axis=-1),
            np.stack([-dot, -reach_y, reach_x, dot], axis=-1),
            np.stack([-dot, -dot, reach_x, reach_y], axis=-1),
            np.stack([-reach_x, -reach_y, dot, dot], axis=-1),
            np.stack([-reach_x, -dot, dot, reach_y], axis=-1),
        ],
        axis=1,
    )
    return boxes + np.array([-_PAD, -_PAD, _PAD, _PAD])


def place(x0, y0, boxes, free_from, *, weight, min_zoom, max_zoom, step=0.25, limit=None):
    """Settle every label's least zoom and position, in rank (row) order.

    Parameters
    ----------
    x0, y0 : dot positions in pixels at zoom 0 (they scale by ``2**zoom``).
    boxes : from :func:`candidate_boxes`, rows in rank order (most important first).
    free_from : (n, positions) float array, changed in place: the least zoom from which a
        position is free of the labels settled so far. Start with -inf (free) or +inf
        (never, e.g. outside the view).
    weight : (n,) importance, e.g. population. Of its free positions, a label takes the
        one that hides the dots of the places of weight >= min(its own / 4, 10,000) up to
        the least zoom, so that a town's label does not hide the next town for long
        (Toretsk and Pivnichne, 4.5 km apart).
    min_zoom, max_zoom, step : the zooms tried, ``min_zoom + k * step`` up to
        ``max_zoom``; with ``min_zoom == max_zoom`` a single zoom.
    limit : settle no more than this many shown labels.

    Returns
    -------
    (chosen, shown_at): the position index of each row (-1: not shown by ``max_zoom``)
    and the zoom from which it is shown (NaN if never).
    """
    n = len(x0)
    chosen = np.full(n, -1)
    shown_at = np.full(n, np.nan)
    near = _Neighbours(x0, y0, boxes)
    start, batch, count = 0, 64, 0
    while start < n and (limit is None or count < limit):
        rows = np.arange(start, min(start + batch, n))
        least = np.maximum(free_from[rows].min(axis=1), min_zoom)
        zoom = min_zoom + np.ceil(np.round((least - min_zoom) / step, 9)) * step
        zoom[~(zoom <= max_zoom + 1e-9)] = np.inf
        free = free_from[rows] <= zoom[:, None]
        shown = np.isfinite(zoom)
        i, j = near.pairs(rows[shown], zoom[shown])
        at = i - start
        # Of the free positions, the one that hides the dots of the neighbours that
        # matter for the shortest (the first in order of preference among equals).
        hides = near.hides(at, i, j, weight, len(rows))
        pos = np.argmin(np.where(free, np.maximum(hides, zoom[:, None]), np.inf), axis=1)
        # Rows overlapped by a row earlier in this batch need that row's effect first:
        # settle the batch up to the first of them. Only then are the (many more) pairs
        # with rows below the batch worth working out, for the rows settled.
        ahead = j > i
        i, j, at = i[ahead], j[ahead], at[ahead]
        inside = j <= rows[-1]
        hit = near.hits(i[inside], j[inside], pos[at[inside]], zoom[at[inside]], free_from)
        end = int(hit[1].min()) if len(hit[1]) else int(rows[-1]) + 1
        settled = rows < end
        if limit is not None:
            over = np.flatnonzero(settled & shown)[limit - count :]
            if len(over):
                settled[over[0] :] = False
                end = int(rows[over[0]])
        below = ~inside & (i < end)
        more = near.hits(i[below], j[below], pos[at[below]], zoom[at[below]], free_from)
        for i_, j_, q_, apart in (hit, more):
            keep = i_ < end
            np.maximum.at(free_from, (j_[keep], q_[keep]), apart[keep])
        take = rows[settled & shown]
        chosen[take] = pos[settled & shown]
        shown_at[take] = zoom[settled & shown]
        count += len(take)
        start = end
        batch = min(batch * 2, 4096) if settled.all() else max(16, int(settled.sum()) * 2)
    return chosen, shown_at


class _Neighbours:
    """Which labels' positions a placed label overlaps at a zoom, from an index of the
    dots at zoom 0 built once for all zooms.

    A label's boxes lie within its hull (their union). A placed box can only overlap
    a label whose dot lies within the placed box grown by the largest hull, so the index
    is queried with that rectangle scaled back to zoom 0. Labels with an unusually large
    hull (long names, beyond the 95th percentile) have an index of their own, so that
    their reach does not widen every query.
    """

    def __init__(self, x0, y0, boxes):
        self.x0, self.y0, self.boxes = x0, y0, boxes
        hull = np.concatenate([boxes[:, :, :2].min(axis=1), boxes[:, :, 2:].max(axis=1)], axis=1)
        self.hull, self.groups = hull, []
        if len(hull) == 0:
            return
        usual = np.concatenate(
            [np.percentile(hull[:, :2], 5, axis=0), np.percentile(hull[:, 2:], 95, axis=0)]
        )
        inside = (hull[:, :2] >= usual[:2]).all(axis=1) & (hull[:, 2:] <= usual[2:]).all(axis=1)
        for rows in (np.flatnonzero(inside), np.flatnonzero(~inside)):
            if len(rows):
                reach = np.concatenate([hull[rows, :2].min(axis=0), hull[rows, 2:].max(axis=0)])
                tree = shapely.STRtree(shapely.points(x0[rows], y0[rows]))
                self.groups.append((rows, tree, np.concatenate([-reach[2:], -reach[:2]])))

    def pairs(self, rows, zoom):
        """Pairs (i, j), j != i, where some position of label ``i`` (shown from ``zoom``)
        may overlap label ``j`` or its dot: the candidates for :meth:`hits` and
        :meth:`covers`."""
        if len(rows) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        scale = (2.0**zoom)[:, None]
        hull = self.hull[rows]
        dots = np.stack([self.x0[rows], self.y0[rows]] * 2, axis=1)
        pairs_i, pairs_j = [], []
        for members, tree, grow in self.groups:
            k, t = tree.query(shapely.box(*(dots + (hull + grow) / scale).T))
            pairs_i.append(rows[k])
            pairs_j.append(members[t])
        i, j = np.concatenate(pairs_i), np.concatenate(pairs_j)
        keep = j != i
        return i[keep], j[keep]

    def hides(self, at, i, j, weight, rows: int) -> np.ndarray:
        """(rows, positions): up to which zoom each position of label ``i`` (at row ``at``
        of the batch) covers the dot of a place ``j`` that matters beside it (see
        :func:`place`), the latest over its pairs; -inf where it covers none. Such a
        ``j`` cannot be shown before."""
        out = np.full((rows, self.boxes.shape[1]), -np.inf)
        matters = weight[j] >= np.minimum(weight[i] / 4, 10_000)
        at, i, j = at[matters], i[matters], j[matters]
        if len(at) == 0:
            return out
        dot = np.array([-_DOT, -_DOT, _DOT, _DOT])
        # The label's boxes around i, seen from the dot of j.
        dx = (self.x0[i] - self.x0[j])[:, None]
        dy = (self.y0[i] - self.y0[j])[:, None]
        until = _parting(dot, self.boxes[i], dx, dy)
        # The latest per row: sorted by row, then one reduction per run of equal rows.
        order = np.argsort(at, kind="stable")
        at, until = at[order], until[order]
        starts = np.flatnonzero(np.r_[True, at[1:] != at[:-1]])
        with np.errstate(divide="ignore"):
            out[at[starts]] = np.log2(np.maximum.reduceat(until, starts, axis=0))
        return out

    def hits(self, i, j, pos, zoom, free_from):
        """Of the pairs (i, j) with ``i`` at position ``pos`` shown from ``zoom``: the
        positions ``q`` of ``j`` that ``i`` overlaps while both are shown, until ``apart``,
        where that is longer than ``free_from`` already says. Returns (i, j, q, apart)."""
        theirs = self.boxes[i, pos]
        dx, dy = self.x0[j] - self.x0[i], self.y0[j] - self.y0[i]
        # The hull holds all positions: where it parts before the label above is
        # shown, or before every position of the label below is free anyway, no position
        # of it is overlapped any longer than already known.
        known = np.maximum(zoom, free_from[j].min(axis=1))
        keep = _parting(theirs, self.hull[j], dx, dy) > 2.0**known
        i, j, theirs, zoom = i[keep], j[keep], theirs[keep], zoom[keep]
        parting = _parting(theirs[:, None, :], self.boxes[j], dx[keep, None], dy[keep, None])
        hit = parting > (2.0**zoom)[:, None]
        pair, q = np.nonzero(hit)
        return i[pair], j[pair], q, np.log2(parting[hit])


def _parting(theirs, mine, dx, dy):
    """The scale (``2**zoom``) from which box ``mine``, around a dot ``dx``, ``dy``
    zoom-0 pixels from the dot of box ``theirs``, no longer overlaps it: the joint reach
    over the distance, on the axis where they part first. Both boxes hold their dot, so
    they never meet again at a larger zoom. (Scales, not zooms: ``log2`` costs more than
    the rest, and only the few pairs that count need it.)"""
    parting = None
    with np.errstate(divide="ignore"):
        for axis, d in ((0, dx), (1, dy)):
            reach = np.where(
                d > 0,
                theirs[..., axis + 2] - mine[..., axis],
                mine[..., axis + 2] - theirs[..., axis],
            )
            ratio = reach / np.abs(d)
            parting = ratio if parting is None else np.minimum(parting, ratio)
    return parting
