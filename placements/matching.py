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


# Explaining an assignment (see placements.explanations) -------------------------

NO_TRAINEE = -1


class NotOptimal(Exception):
    """The assignment can be improved (it was changed by hand): no exact account exists."""


@dataclass(frozen=True)
class Move:
    trainee: int
    before: int | None  # rank held; None: not placed
    after: int | None
    to: int | None  # the position moved to; None: out of the round

    @property
    def down(self) -> bool:
        return self.before is not None and (self.after is None or self.after > self.before)


@dataclass(frozen=True)
class Cost:
    """What giving `trainee` their choice `position` (ranked `rank`) would do to the others."""

    trainee: int
    position: int
    rank: int
    moves: tuple[Move, ...]
    full_of_higher: bool  # every seat there is held by someone who ranked it higher

    @property
    def moved_down(self) -> list[Move]:
        return [m for m in self.moves if m.down]

    @property
    def moved_up(self) -> list[Move]:
        return [m for m in self.moves if not m.down]

    def as_json(self) -> dict:
        down = self.moved_down
        return {
            "position": self.position,
            "rank": self.rank,
            "full_of_higher": self.full_of_higher,
            "down": len(down),
            "ranks_lost": sum(m.after - m.before for m in down if m.after is not None),
            "unplaced": sum(1 for m in down if m.after is None),
            "up": len(self.moves) - len(down),
        }


def costs(choices: Iterable[Choice], capacity: dict[int, int], assignment: Assignment) -> dict[int, list[Cost]]:
    """For every trainee with a choice, placed or not, the cost of each
    choice ranked above what they have. `choices` and `capacity` are the
    instance `assignment` is optimal for (`matching.assign`); raises
    NotOptimal when it is not."""
    choices = list(choices)
    placeable = sorted({c.trainee for c in choices})
    if not placeable:
        return {}
    weights = Weights.for_size(len(placeable))
    out_cost = float(weights.unplaced)
    positions = sorted(capacity)
    node = {p: i for i, p in enumerate(positions)}
    OUT = len(positions)
    size = OUT + 1
    rank_of = {(c.trainee, c.position): c.rank for c in choices}
    by_trainee: dict[int, list[Choice]] = {}
    for choice in choices:
        if choice.position in node:
            by_trainee.setdefault(choice.trainee, []).append(choice)

    occupants: dict[int, list[int]] = {p: [] for p in positions}
    for trainee, (position, _rank) in assignment.placed.items():
        occupants[position].append(trainee)

    dist = np.full((size, size), np.inf)
    via = np.full((size, size), NO_TRAINEE, dtype=np.int64)

    def edge(i: int, j: int, weight: float, trainee: int) -> None:
        if weight < dist[i, j]:
            dist[i, j] = weight
            via[i, j] = trainee

    for trainee in placeable:
        held = assignment.placed.get(trainee)
        if held is None:
            # Someone not placed takes a seat: from OUT to the position.
            for choice in by_trainee.get(trainee, []):
                edge(OUT, node[choice.position], weights.rank_cost(choice.rank) - out_cost, trainee)
            continue
        position, rank = held
        here = weights.rank_cost(rank)
        for choice in by_trainee[trainee]:
            if choice.position != position:
                edge(node[position], node[choice.position], weights.rank_cost(choice.rank) - here, trainee)
        edge(node[position], OUT, out_cost - here, trainee)
    for position in positions:
        if len(occupants[position]) < capacity[position]:
            edge(node[position], OUT, 0.0, NO_TRAINEE)  # the chain ends in a free seat
        if occupants[position]:
            edge(OUT, node[position], 0.0, NO_TRAINEE)  # a seat there is left empty
    np.fill_diagonal(dist, np.minimum(np.diag(dist), 0.0))
    via[np.diag_indices(size)] = NO_TRAINEE

    # Floyd–Warshall with successor pointers; integers below 2**53 add exactly.
    successor = np.where(np.isfinite(dist), np.arange(size)[None, :], -1)
    for k in range(size):
        through = dist[:, k : k + 1] + dist[k : k + 1, :]
        better = through < dist
        if better.any():
            dist = np.where(better, through, dist)
            successor = np.where(better, successor[:, k : k + 1], successor)
    if (np.diag(dist) < 0).any():
        raise NotOptimal

    def path(i: int, j: int) -> list[tuple[int, int]]:
        steps = []
        while i != j:
            following = int(successor[i, j])
            steps.append((i, following))
            i = following
        return steps

    result: dict[int, list[Cost]] = {}
    for trainee in placeable:
        held = assignment.placed.get(trainee)
        home = node[held[0]] if held else OUT
        held_rank = held[1] if held else None
        for choice in by_trainee.get(trainee, []):
            if held_rank is not None and choice.rank >= held_rank:
                continue
            start = node[choice.position]
            if not np.isfinite(dist[start, home]):
                continue  # nobody there could go anywhere: cannot happen with an OUT edge per occupant
            moves = []
            for i, j in path(start, home):
                mover = int(via[i, j])
                if mover == NO_TRAINEE:
                    continue
                before = rank_of[(mover, positions[i])] if i != OUT else None
                after = rank_of[(mover, positions[j])] if j != OUT else None
                moves.append(Move(mover, before, after, positions[j] if j != OUT else None))
            there = occupants[choice.position]
            full_of_higher = bool(there) and all(rank_of[(u, choice.position)] < choice.rank for u in there)
            result.setdefault(trainee, []).append(
                Cost(trainee, choice.position, choice.rank, tuple(moves), full_of_higher)
            )
    return result
