"""Unit tests of the assignment itself: no database, only `placements.matching`."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from placements.matching import Assignment, Choice, Weights, assign, greedy

X, Y, Z, W = 101, 102, 103, 104  # position ids, apart from trainee ids so a mix-up shows
A, B, C = 1, 2, 3


@st.composite
def instances(draw) -> tuple[list[Choice], dict[int, int], list[int]]:
    """Up to 6 trainees, up to 4 positions of 0..3 seats, each trainee ranking
    up to 4 distinct positions (ranks 1..k); some trainees rank nothing."""
    positions = [X, Y, Z, W][: draw(st.integers(1, 4))]
    capacity = {position: draw(st.integers(0, 3)) for position in positions}
    trainees = list(range(1, draw(st.integers(0, 6)) + 1))
    choices = []
    for trainee in trainees:
        ranked = draw(st.lists(st.sampled_from(positions), unique=True, max_size=len(positions)))
        choices.extend(Choice(trainee, position, rank) for rank, position in enumerate(ranked, start=1))
    return choices, capacity, trainees


def best_quality(choices: list[Choice], capacity: dict[int, int]) -> tuple[int, ...]:
    """The best `Assignment.quality()` over every feasible assignment, by enumeration."""
    options: dict[int, list[Choice]] = {}
    for choice in choices:
        options.setdefault(choice.trainee, []).append(choice)
    trainees = sorted(options)
    free = dict(capacity)
    best = (0, 0, 0, 0)

    def extend(i: int, placed: dict[int, tuple[int, int]]) -> None:
        nonlocal best
        if i == len(trainees):
            best = max(best, Assignment(placed=dict(placed)).quality())
            return
        trainee = trainees[i]
        extend(i + 1, placed)  # trainee left unplaced
        for choice in options[trainee]:
            if free[choice.position] > 0:
                free[choice.position] -= 1
                placed[trainee] = (choice.position, choice.rank)
                extend(i + 1, placed)
                del placed[trainee]
                free[choice.position] += 1

    extend(0, {})
    return best


def assert_feasible(result: Assignment, choices: list[Choice], capacity: dict[int, int], trainees: list[int]) -> None:
    rank_of = {(c.trainee, c.position): c.rank for c in choices}
    for trainee, (position, rank) in result.placed.items():
        assert rank_of.get((trainee, position)) == rank
    for position, seats in capacity.items():
        assert sum(1 for p, _rank in result.placed.values() if p == position) <= seats
    assert set(result.placed).isdisjoint(result.unplaced)
    assert set(result.placed) | set(result.unplaced) == set(trainees)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_assign_is_as_good_as_the_best_of_every_feasible_assignment(instance):
    choices, capacity, trainees = instance
    result = assign(choices, capacity, trainees)
    assert result.quality() == best_quality(choices, capacity)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_assign_respects_capacity_and_places_people_only_at_their_own_choices(instance):
    choices, capacity, trainees = instance
    result = assign(choices, capacity, trainees)
    assert_feasible(result, choices, capacity, trainees)
    without_choices = set(trainees) - {c.trainee for c in choices}
    assert without_choices <= set(result.unplaced)


@settings(max_examples=200, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_assign_gives_the_same_result_whatever_the_input_order(instance, random):
    choices, capacity, trainees = instance
    shuffled_choices, shuffled_trainees = list(choices), list(trainees)
    random.shuffle(shuffled_choices)
    random.shuffle(shuffled_trainees)
    shuffled_capacity = dict(random.sample(list(capacity.items()), len(capacity)))
    expected = assign(choices, capacity, trainees)
    result = assign(shuffled_choices, shuffled_capacity, shuffled_trainees)
    assert result.placed == expected.placed
    assert result.unplaced == expected.unplaced


@settings(max_examples=200, deadline=None)
@given(instances())
def test_greedy_respects_capacity_and_places_people_only_at_their_own_choices(instance):
    choices, capacity, trainees = instance
    assert_feasible(greedy(choices, capacity, trainees), choices, capacity, trainees)


def test_assign_places_more_people_than_first_come_first_served():
    choices = [Choice(A, X, 1), Choice(A, Y, 2), Choice(B, X, 1)]
    capacity = {X: 1, Y: 1}

    first_come = greedy(choices, capacity, [A, B])
    optimal = assign(choices, capacity, [A, B])

    assert first_come.placed == {A: (X, 1)}
    assert first_come.unplaced == [B]
    assert optimal.placed == {A: (Y, 2), B: (X, 1)}
    assert optimal.unplaced == []


def test_a_first_choice_outweighs_a_smaller_sum_of_ranks():
    # A at X and B at Y: one first choice, ranks 1 + 4 = 5.
    # A at Y and B at X: no first choice, ranks 2 + 2 = 4.
    choices = [
        Choice(A, X, 1),
        Choice(A, Y, 2),
        Choice(B, Z, 1),
        Choice(B, X, 2),
        Choice(B, W, 3),
        Choice(B, Y, 4),
    ]
    result = assign(choices, {X: 1, Y: 1, Z: 0, W: 0}, [A, B])
    assert result.placed == {A: (X, 1), B: (Y, 4)}
    assert result.quality() == (2, 1, 1, -5)


def test_placing_one_more_person_outweighs_first_choices():
    # A and C at their first choices leaves B out; all three fit only at second choices.
    choices = [Choice(A, X, 1), Choice(A, Y, 2), Choice(B, X, 1), Choice(C, Y, 1), Choice(C, Z, 2)]
    result = assign(choices, {X: 1, Y: 1, Z: 1}, [A, B, C])
    assert result.placed == {A: (Y, 2), B: (X, 1), C: (Z, 2)}


def test_assign_without_seats_or_choices_leaves_everyone_unplaced():
    assert assign([Choice(A, X, 1)], {X: 0}, [B]).unplaced == [A, B]
    assert assign([], {X: 2}, [B, A]).unplaced == [A, B]


def test_greedy_serves_people_in_arrival_order():
    choices = [Choice(A, X, 1), Choice(A, Y, 2), Choice(B, X, 1), Choice(B, Y, 2), Choice(C, X, 1)]
    capacity = {X: 1, Y: 1}

    result = greedy(choices, capacity, [C, B, A])

    assert result.placed == {C: (X, 1), B: (Y, 2)}
    assert result.unplaced == [A]
    assert list(result.placed) == [C, B]
    assert greedy(choices, capacity, [A, B, C]).placed == {A: (X, 1), B: (Y, 2)}


def test_weights_refuse_a_problem_too_large_to_solve_exactly():
    with pytest.raises(ValueError, match="too many"):
        Weights.for_size(10**6)


def test_weights_accept_a_round_of_a_few_thousand_trainees():
    assert Weights.for_size(3000).unplaced * 3000 < 2**53


@settings(max_examples=200, deadline=None)
@given(instances(), st.data())
def test_assign_never_places_anyone_where_marked_not_acceptable_and_stays_optimal(instance, data):
    # The services drop the marked pairs from the choices before solving
    # (services.waiting_trainees_and_eligible_choices); the result is the best
    # of every assignment that respects the marks.
    choices, capacity, trainees = instance
    marked = set(
        data.draw(st.lists(st.sampled_from([(c.trainee, c.position) for c in choices]), unique=True)) if choices else []
    )
    acceptable = [c for c in choices if (c.trainee, c.position) not in marked]
    result = assign(acceptable, capacity, trainees)
    assert not {(t, p) for t, (p, _rank) in result.placed.items()} & marked
    assert result.quality() == best_quality(acceptable, capacity)
