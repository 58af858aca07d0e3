"""Exact linear algebra of the release audit: integer echelon forms, reduction modulo a prime with
rational lifting, connected blocks of rows, exact solves. Pure numpy and integers, no floats.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import gcd

import numpy as np


@dataclass
class _Echelon:
    """Fraction-free reduced row echelon form of a system's rows, with the row combinations behind it."""

    rows: list[list[int]]  # each: n cell coefficients followed by m row-combination coefficients
    pivots: list[int]
    n: int


def _normalise(row: list[int]) -> list[int]:
    g = 0
    for x in row:
        if x:
            g = gcd(g, x)
            if g == 1:
                return row
    return [x // g for x in row] if g > 1 else row


def _echelon(matrix: list[list[int]], n: int) -> _Echelon:
    """Gauss-Jordan over the integers (no division until the end), tracking which rows were combined."""
    m = len(matrix)
    rows = [r + [1 if j == i else 0 for j in range(m)] for i, r in enumerate(matrix)]
    pivots: list[int] = []
    top = 0
    for col in range(n):
        found = next((i for i in range(top, m) if rows[i][col]), None)
        if found is None:
            continue
        rows[top], rows[found] = rows[found], rows[top]
        pivot_row, a = rows[top], rows[top][col]
        for i in range(m):
            b = rows[i][col]
            if i != top and b:
                rows[i] = _normalise([x * a - y * b for x, y in zip(rows[i], pivot_row, strict=True)])
        pivots.append(col)
        top += 1
        if top == m:
            break
    return _Echelon(rows[:top], pivots, n)


def _ratio(x: int, p: int) -> tuple[int, int] | None:
    """The fraction a/b with |a|, b <= sqrt(p/2) that is congruent to x mod p, or None (rational reconstruction)."""
    bound = int((p // 2) ** 0.5)
    r0, r1, s0, s1 = p, x % p, 0, 1
    while r1 > bound:
        q = r0 // r1
        r0, r1, s0, s1 = r1, r0 - q * r1, s1, s0 - q * s1
    if s1 == 0 or abs(s1) > bound:
        return None
    if s1 < 0:
        r1, s1 = -r1, -s1
    return (r1, s1) if gcd(r1, s1) == 1 else None


def _lift(residues: np.ndarray, p: int) -> tuple[np.ndarray, int] | None:
    """Integer numerators N and one denominator D with N / D congruent to the residues, or None."""
    nonzero = residues != 0
    values = np.unique(residues[nonzero])
    fractions = {}
    denominator = 1
    for v in values.tolist():
        f = _ratio(v, p)
        if f is None:
            return None
        fractions[v] = f
        denominator = denominator * f[1] // gcd(denominator, f[1])
        if denominator > 1 << 20:
            return None
    table = np.array([fractions[v][0] * (denominator // fractions[v][1]) for v in values.tolist()], dtype=np.int64)
    out = np.zeros(residues.shape, dtype=np.int64)
    out[nonzero] = table[np.searchsorted(values, residues[nonzero])]
    return out, denominator


def _rref_mod(matrix: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gauss-Jordan mod p with the row combinations tracked: (R, pivot columns, T) with R = T . matrix mod p."""
    m, n = matrix.shape
    a = np.concatenate([matrix.astype(np.int64) % p, np.eye(m, dtype=np.int64)], axis=1)
    pivots: list[int] = []
    top = 0
    col = 0
    while top < m and col < n:
        ahead = np.flatnonzero(a[top:, col:n].any(axis=0))  # the next column with a pivot
        if ahead.size == 0:
            break
        col += int(ahead[0])
        r = top + int(np.flatnonzero(a[top:, col])[0])
        if r != top:
            a[[top, r]] = a[[r, top]]
        inv = pow(int(a[top, col]), p - 2, p)
        if inv != 1:
            a[top, col:] = a[top, col:] * inv % p
        factor = a[:, col].copy()
        factor[top] = 0
        hit = np.flatnonzero(factor)
        if hit.size:
            a[hit, col:] = (a[hit, col:] - factor[hit, None] * a[top, col:]) % p  # |products| < 2**62
        pivots.append(col)
        top += 1
        col += 1
    return a[:top, :n], np.array(pivots, dtype=np.int64), a[:top, n:]


def _components(matrix: np.ndarray) -> list[np.ndarray]:
    """Row indices of the connected blocks (rows sharing a cell), each sorted, in order of their first row."""
    m = matrix.shape[0]
    member = matrix != 0
    seen = np.zeros(m, dtype=bool)
    out = []
    for start in range(m):
        if seen[start]:
            continue
        block = np.zeros(m, dtype=bool)
        block[start] = True
        frontier = block.copy()
        while frontier.any():
            cells = member[frontier].any(axis=0)
            reach = member[:, cells].any(axis=1) & ~block
            block |= reach
            frontier = reach
        seen |= block
        out.append(np.flatnonzero(block))
    return out


def _rows_times(zero_one: np.ndarray, numerators: np.ndarray) -> np.ndarray:
    """zero_one @ numerators in int64 for a 0/1 matrix, row by row (no BLAS: exact and single-threaded)."""
    out = np.zeros((zero_one.shape[0], numerators.shape[1]), dtype=np.int64)
    for i, row in enumerate(zero_one):
        picked = np.flatnonzero(row)
        if picked.size:
            out[i] = numerators[picked].sum(axis=0)
    return out


def _solve(matrix: np.ndarray, target: Sequence[int]) -> list[Fraction] | None:
    """Exact rational y with y . matrix = target (fraction-free echelon), or None when there is none."""
    m, n = matrix.shape
    ech = _echelon([[int(x) for x in row] for row in matrix.tolist()], n)
    vector = [Fraction(int(x)) for x in target]
    combination = [Fraction(0)] * m
    for row, pivot in zip(ech.rows, ech.pivots, strict=True):
        c = vector[pivot] / row[pivot]
        if not c:
            continue
        vector = [v - c * x for v, x in zip(vector, row[:n], strict=True)]
        combination = [y + c * t for y, t in zip(combination, row[n:], strict=True)]
    return None if any(vector) else combination

