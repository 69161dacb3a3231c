"""Optimal assignment of trainees to internship seats.

The problem is an assignment problem: every seat of every position is a column,
every trainee a row, and a trainee can take a seat of a position they ranked
and are eligible for. The objective, in order of importance:

1. place as many trainees as possible;
2. then place people at their better choices, first choices counting most.

Precisely, the order is lexicographic: the number placed, then the number of
first choices, then of first-or-second choices, then the sum of ranks. It goes
into one integer cost matrix solved exactly by
`scipy.optimize.linear_sum_assignment`: each tier's weight exceeds the largest
total the tiers below it can add up to, so no gain lower down can buy a loss
higher up. The weights stay below 2**53, where float64 is exact for integers.

Input order is normalised (trainees and positions sorted by id) so that the
same preferences always give the same result.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

MAX_RANK = 5
EXACT_FLOAT_LIMIT = 2**53


@dataclass(frozen=True)
class Weights:
    """Costs for a problem with `n` placeable trainees."""

    not_second: int  # rank 3 or worse
    not_first: int  # rank 2 or worse
    unplaced: int

    @classmethod
    def for_size(cls, n: int) -> "Weights":
        not_second = (MAX_RANK - 1) * n + 1
        not_first = n * (not_second + MAX_RANK - 1) + 1
        unplaced = n * (not_first + not_second + MAX_RANK - 1) + 1
        if unplaced * n >= EXACT_FLOAT_LIMIT:
            raise ValueError(f"{n} trainees is too many for one exact assignment; split the round.")
        return cls(not_second=not_second, not_first=not_first, unplaced=unplaced)

    def rank_cost(self, rank: int) -> int:
        return (rank - 1) + self.not_first * (rank > 1) + self.not_second * (rank > 2)


@dataclass(frozen=True)
class Choice:
    trainee: int
    position: int
    rank: int


@dataclass
class Assignment:
    placed: dict[int, tuple[int, int]] = field(default_factory=dict)  # trainee → (position, rank)
    unplaced: list[int] = field(default_factory=list)

    def rank_counts(self) -> dict[int, int]:
        counts = dict.fromkeys(range(1, MAX_RANK + 1), 0)
        for _position, rank in self.placed.values():
            counts[rank] += 1
        return counts

    def quality(self) -> tuple[int, ...]:
        """The objective as a tuple; larger is better."""
        counts = self.rank_counts()
        ranks = sum(rank for _p, rank in self.placed.values())
        return (len(self.placed), counts[1], counts[1] + counts[2], -ranks)


def assign(choices: Iterable[Choice], capacity: dict[int, int], trainees: Iterable[int] = ()) -> Assignment:
    """`choices` are the eligible (trainee, position, rank) triples; `capacity`
    the free seats per position; `trainees` everyone to consider (also those
    with no eligible choice, who end up unplaced)."""
    choices = sorted(choices, key=lambda c: (c.trainee, c.rank, c.position))
    rows = sorted({c.trainee for c in choices} | set(trainees))
    placeable = sorted({c.trainee for c in choices})
    seats: list[int] = []
    for position in sorted(capacity):
        seats.extend([position] * max(capacity[position], 0))
    result = Assignment()
    if not placeable or not seats:
        result.unplaced = rows
        return result

    row_of = {trainee: i for i, trainee in enumerate(placeable)}
    columns_of: dict[int, list[int]] = {}
    for column, position in enumerate(seats):
        columns_of.setdefault(position, []).append(column)
    weights = Weights.for_size(len(placeable))
    forbidden = weights.unplaced
    cost = np.full((len(placeable), len(seats)), forbidden, dtype=np.float64)
    for choice in choices:
        columns = columns_of.get(choice.position)
        if columns:
            cost[row_of[choice.trainee], columns] = weights.rank_cost(choice.rank)

    rank_of = {(c.trainee, c.position): c.rank for c in choices}
    row_indices, column_indices = linear_sum_assignment(cost)
    for row, column in zip(row_indices, column_indices, strict=True):
        if cost[row, column] < forbidden:
            trainee, position = placeable[row], seats[column]
            result.placed[trainee] = (position, rank_of[(trainee, position)])
    result.unplaced = [t for t in rows if t not in result.placed]
    return result


def greedy(choices: Iterable[Choice], capacity: dict[int, int], order: list[int]) -> Assignment:
    """First come, first served: in `order`, each trainee takes their best
    choice that still has a seat. The baseline the optimal assignment must beat."""
    by_trainee: dict[int, list[Choice]] = {}
    for choice in sorted(choices, key=lambda c: c.rank):
        by_trainee.setdefault(choice.trainee, []).append(choice)
    free = dict(capacity)
    result = Assignment()
    for trainee in order:
        for choice in by_trainee.get(trainee, []):
            if free.get(choice.position, 0) > 0:
                free[choice.position] -= 1
                result.placed[trainee] = (choice.position, choice.rank)
                break
        else:
            result.unplaced.append(trainee)
    return result
