"""Exact linear algebra for the test oracles of the release audit (independent of benchclub's audit code)."""
from __future__ import annotations

from fractions import Fraction


def null_space(rows: list[list[int]], n: int) -> list[list[Fraction]]:
    """A basis of {x : row . x = 0 for every row}, by Gauss-Jordan over the rationals."""
    m = [[Fraction(x) for x in r] for r in rows]
    pivots, top = [], 0
    for col in range(n):
        pr = next((i for i in range(top, len(m)) if m[i][col] != 0), None)
        if pr is None:
            continue
        m[top], m[pr] = m[pr], m[top]
        m[top] = [x / m[top][col] for x in m[top]]
        for i in range(len(m)):
            if i != top and m[i][col] != 0:
                m[i] = [a - m[i][col] * b for a, b in zip(m[i], m[top], strict=True)]
        pivots.append(col)
        top += 1
    basis = []
    for free in (c for c in range(n) if c not in pivots):
        x = [Fraction(0)] * n
        x[free] = Fraction(1)
        for r, p in enumerate(pivots):
            x[p] = -m[r][free]
        basis.append(x)
    return basis
