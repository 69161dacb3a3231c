"""The solver's explanations, checked by solving again: for each choice a
trainee ranked above the one they got, the moves the explanation names, applied
to the assignment with the trainee at that choice, give an assignment as good as
the best one that has the trainee there (found by enumeration)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from placements.matching import Assignment, Choice, assign, costs
from tests.placements.test_matching import assert_feasible, instances

X, Y, Z, W = 101, 102, 103, 104
A, B, C = 1, 2, 3


def best_quality_with(choices: list[Choice], capacity: dict[int, int], forced: Choice) -> tuple[int, ...]:
    """The best quality over every feasible assignment placing `forced.trainee` at `forced.position`."""
    options: dict[int, list[Choice]] = {}
    for choice in choices:
        options.setdefault(choice.trainee, []).append(choice)
    options[forced.trainee] = [forced]
    trainees = sorted(options)
    free = dict(capacity)
    best = None

    def extend(i: int, placed: dict[int, tuple[int, int]]) -> None:
        nonlocal best
        if i == len(trainees):
            if forced.trainee in placed:
                quality = Assignment(placed=dict(placed)).quality()
                best = quality if best is None else max(best, quality)
            return
        trainee = trainees[i]
        if trainee != forced.trainee:
            extend(i + 1, placed)
        for choice in options[trainee]:
            if free[choice.position] > 0:
                free[choice.position] -= 1
                placed[trainee] = (choice.position, choice.rank)
                extend(i + 1, placed)
                del placed[trainee]
                free[choice.position] += 1

    extend(0, {})
    return best


def apply(assignment: Assignment, cost, trainees: list[int]) -> Assignment:
    placed = dict(assignment.placed)
    for move in cost.moves:
        if move.to is None:
            del placed[move.trainee]
        else:
            placed[move.trainee] = (move.to, move.after)
    placed[cost.trainee] = (cost.position, cost.rank)
    return Assignment(placed=placed, unplaced=[t for t in trainees if t not in placed])


@settings(max_examples=300, deadline=None)
@given(instances())
def test_each_explanation_is_the_best_assignment_with_the_choice_forced(instance):
    choices, capacity, trainees = instance
    assignment = assign(choices, capacity, trainees)
    explained = costs(choices, capacity, assignment)
    for trainee in {c.trainee for c in choices}:
        held = assignment.placed.get(trainee)
        better = [c for c in choices if c.trainee == trainee and (held is None or c.rank < held[1])]
        reachable = [c for c in better if capacity[c.position] > 0]
        assert {c.position for c in explained.get(trainee, [])} == {c.position for c in reachable}
    for trainee_costs in explained.values():
        for cost in trainee_costs:
            forced = Choice(cost.trainee, cost.position, cost.rank)
            result = apply(assignment, cost, trainees)
            assert_feasible(result, choices, capacity, trainees)
            assert result.quality() == best_quality_with(choices, capacity, forced)


def test_a_choice_full_of_people_who_ranked_it_higher_says_so():
    # A ranked Z, X, Y. D holds Z's one seat (D's only choice, ranked first, as A did);
    # B and C hold X's two seats and ranked X first, higher than A's second.
    D = 4
    choices = [Choice(A, Z, 1), Choice(A, X, 2), Choice(A, Y, 3), Choice(B, X, 1), Choice(C, X, 1), Choice(D, Z, 1)]
    capacity = {X: 2, Y: 1, Z: 1}
    assignment = assign(choices, capacity, [A, B, C, D])
    assert assignment.placed[A] == (Y, 3)
    by_position = {cost.position: cost for cost in costs(choices, capacity, assignment)[A]}
    assert by_position[X].full_of_higher
    assert by_position[X].as_json() == {
        "position": X,
        "rank": 2,
        "full_of_higher": True,
        "down": 1,
        "ranks_lost": 0,
        "unplaced": 1,  # whoever of B and C gives up X has nowhere else to go
        "up": 0,
    }
    assert not by_position[Z].full_of_higher  # D ranked it first, as A did
    assert by_position[Z].as_json()["unplaced"] == 1


def test_a_choice_that_one_move_would_free_names_the_trainee_who_moves_down():
    # A wants X (held by B), B could go to Y at its third choice.
    choices = [Choice(A, X, 1), Choice(A, Z, 2), Choice(B, X, 1), Choice(B, W, 2), Choice(B, Y, 3)]
    capacity = {X: 1, Y: 1, Z: 1, W: 0}
    assignment = assign(choices, capacity, [A, B])
    assert assignment.placed == {A: (Z, 2), B: (X, 1)}
    (cost,) = costs(choices, capacity, assignment)[A]
    assert [(m.trainee, m.before, m.after, m.to) for m in cost.moves] == [(B, 1, 3, Y)]
    assert cost.as_json()["down"] == 1 and cost.as_json()["ranks_lost"] == 2
    assert not cost.full_of_higher


@settings(max_examples=50, deadline=None)
@given(instances(), st.data())
def test_unplaced_trainees_are_explained_too(instance, data):
    choices, capacity, trainees = instance
    assignment = assign(choices, capacity, trainees)
    explained = costs(choices, capacity, assignment)
    for trainee in assignment.unplaced:
        for cost in explained.get(trainee, []):
            assert cost.trainee == trainee and cost.position in capacity
