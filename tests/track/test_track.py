"""The rules of indicators and changes, table-driven, with hypothesis for the invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.alerts.render import format_movement
from monitor.errors import MonitorError
from monitor.model import (
    BorderStatus,
    ChangeType,
    Event,
    EventKind,
    Figure,
    IndicatorKey,
    Qualifier,
    Source,
)
from monitor.track import (
    Decision,
    IndicatorState,
    Observation,
    Outcome,
    Policy,
    Threshold,
    apply_duplicate,
    apply_observation,
    bounds,
    dedup_key_for,
    key_of,
    observation_of,
    parse_threshold,
    select_observations,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
EMIGRATION = IndicatorKey(EventKind.EMIGRATION, "RU", "EU", "people")
BORDER = IndicatorKey(EventKind.BORDER_CLOSURE, "FI", "RU", None)
CALL_UP = IndicatorKey(EventKind.MOBILIZATION, "ML", None, "people")
TEN_PERCENT = Policy(Threshold(10, relative=True))

E, A, L, U = Qualifier.EXACT, Qualifier.APPROX, Qualifier.AT_LEAST, Qualifier.UP_TO
CLOSED, RESTRICTED, REOPENED = BorderStatus.CLOSED, BorderStatus.RESTRICTED, BorderStatus.REOPENED


def source(title: str = "Article", published: datetime | None = T0) -> Source:
    return Source(title=title, link="https://news.example/a", published=published, evidence="...")


def figure_obs(
    value: int, qualifier: Qualifier = E, *, ref: str = "2", days: float = 1
) -> Observation:
    published = T0 + timedelta(days=days)
    return Observation(
        key=EMIGRATION,
        source=source(f"entry {ref}", published),
        ref=ref,
        published=published,
        figure=Figure(value, qualifier),
    )


def status_obs(status: BorderStatus, *, ref: str = "2", days: float = 1) -> Observation:
    published = T0 + timedelta(days=days)
    return Observation(
        key=BORDER, source=source(f"entry {ref}", published), ref=ref, published=published,
        status=status,
    )  # fmt: skip


def figure_state(value: int, qualifier: Qualifier = E, **kw: object) -> IndicatorState:
    state = IndicatorState(
        key=EMIGRATION,
        source=source("entry 1"),
        as_of=T0,
        source_refs=frozenset({"1"}),
        figure=Figure(value, qualifier),
        changed_at=T0,
    )
    return replace(state, **kw)  # type: ignore[arg-type]


def status_state(status: BorderStatus) -> IndicatorState:
    return IndicatorState(
        key=BORDER, source=source("entry 1"), as_of=T0, source_refs=frozenset({"1"}),
        status=status, changed_at=T0,
    )  # fmt: skip


# --- figures -------------------------------------------------------------------------

CHANGED, BELOW, LOOSER, SAME = (
    Outcome.CHANGED, Outcome.BELOW_THRESHOLD, Outcome.RESTATED, Outcome.CORROBORATED
)  # fmt: skip
UP, DOWN = ChangeType.INCREASE, ChangeType.DECREASE

FIGURE_CASES = [
    # current, new, threshold, outcome, change type
    pytest.param((66_000, A), (97_000, A), "10%", CHANGED, UP, id="up"),
    pytest.param((97_000, A), (66_000, A), "10%", CHANGED, DOWN, id="down"),
    pytest.param((100_000, E), (105_000, E), "10%", BELOW, None, id="pct-small"),
    pytest.param((100_000, E), (110_000, E), "10%", CHANGED, UP, id="pct-at"),
    pytest.param((100_000, E), (104_999, E), "5000", BELOW, None, id="abs-small"),
    pytest.param((100_000, E), (105_000, E), "5000", CHANGED, UP, id="abs-at"),
    pytest.param((100_000, E), (95_000, E), "5000", CHANGED, DOWN, id="abs-down"),
    pytest.param((0, E), (10, E), "10%", CHANGED, UP, id="from-zero"),
    pytest.param((300_000, U), (400_000, L), "10%", CHANGED, UP, id="upto-atleast"),
    pytest.param((250_000, E), (300_000, U), "10%", LOOSER, None, id="looser-up-to"),
    pytest.param((200_000, L), (150_000, L), "10%", LOOSER, None, id="looser-at-least"),
    pytest.param((200_000, E), (195_000, A), "1%", LOOSER, None, id="looser-approx"),
    pytest.param((300_000, U), (300_000, L), "10%", BELOW, None, id="same-point"),
    pytest.param((300_000, U), (250_000, E), "10%", CHANGED, DOWN, id="tighter"),
    pytest.param((66_000, A), (66_000, E), "10%", SAME, None, id="approx-exact"),
    pytest.param((300_000, U), (300_000, U), "10%", SAME, None, id="same"),
    pytest.param((100_000, E), (100_001, E), "0", CHANGED, UP, id="zero-thr"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "threshold", "outcome", "change_type"), FIGURE_CASES)
def test_figures(
    old: tuple[int, Qualifier],
    new: tuple[int, Qualifier],
    threshold: str,
    outcome: Outcome,
    change_type: ChangeType | None,
) -> None:
    state = figure_state(*old)
    decision = apply_observation(state, figure_obs(*new), Policy(parse_threshold(threshold)), NOW)
    assert decision.outcome is outcome
    if change_type is None:
        assert decision.change is None
        assert decision.state.figure == state.figure
        return
    change = decision.change
    assert change is not None and change.change_type is change_type
    assert (change.old_figure, change.new_figure) == (Figure(*old), Figure(*new))
    assert change.old_source == state.source and change.new_source.title == "entry 2"
    assert change.detected_at == NOW
    assert decision.state.figure == Figure(*new)
    assert decision.state.source_refs == {"2"} and decision.state.changed_at == NOW


def test_the_alert_keeps_qualifiers_and_both_sources() -> None:
    decision = apply_observation(figure_state(300_000, U), figure_obs(400_000, L), TEN_PERCENT, NOW)
    assert decision.change is not None
    assert decision.change.old_figure == Figure(300_000, U)
    assert decision.change.new_figure == Figure(400_000, L)
    assert decision.change.old_source is not None
    assert decision.change.old_source.title == "entry 1"


def test_an_indicator_threshold_overrides_the_policy() -> None:
    state = figure_state(100_000, threshold=Threshold(50, relative=True))
    assert apply_observation(state, figure_obs(120_000), TEN_PERCENT, NOW).change is None
    assert apply_observation(state, figure_obs(160_000), TEN_PERCENT, NOW).change is not None


# --- first seen, corroboration, late articles -----------------------------------------


@pytest.mark.parametrize("alert_first_seen", [True, False])
def test_first_seen_alerts_when_the_policy_says_so(alert_first_seen: bool) -> None:
    policy = replace(TEN_PERCENT, alert_first_seen=alert_first_seen)
    decision = apply_observation(None, figure_obs(66_000, A), policy, NOW)
    assert decision.outcome is Outcome.FIRST_SEEN
    assert decision.state.figure == Figure(66_000, A)
    assert decision.state.source_count == 1 and decision.state.as_of == figure_obs(1).published
    if alert_first_seen:
        assert decision.change is not None
        assert decision.change.change_type is ChangeType.FIRST_SEEN
        assert decision.change.old_figure is None and decision.change.old_source is None
    else:
        assert decision.change is None


def test_a_new_source_for_the_same_figure_corroborates() -> None:
    state = figure_state(66_000, A)
    first = apply_observation(state, figure_obs(66_000, A, ref="2", days=2), TEN_PERCENT, NOW)
    assert first.outcome is Outcome.CORROBORATED and first.change is None
    assert first.state.source_count == 2 and first.state.as_of == T0 + timedelta(days=2)
    assert first.state.source == state.source  # the value's first source stays
    again = apply_observation(first.state, figure_obs(66_000, A, ref="2"), TEN_PERCENT, NOW)
    assert again.outcome is Outcome.REPEATED and again.state == first.state
    assert not again.state_changed and first.state_changed


def test_a_late_article_never_overwrites_a_newer_figure() -> None:
    state = figure_state(97_000, A, as_of=T0 + timedelta(days=5))
    decision = apply_observation(state, figure_obs(66_000, A, days=1), TEN_PERCENT, NOW)
    assert decision.outcome is Outcome.STALE and decision.change is None
    assert decision.state == state
    late_but_same = apply_observation(state, figure_obs(97_000, A, days=1), TEN_PERCENT, NOW)
    assert late_but_same.outcome is Outcome.CORROBORATED
    assert late_but_same.state.as_of == state.as_of


def test_the_same_day_is_not_late() -> None:
    state = figure_state(66_000, A, as_of=T0 + timedelta(days=1))
    decision = apply_observation(state, figure_obs(97_000, A, days=1), TEN_PERCENT, NOW)
    assert decision.outcome is Outcome.CHANGED


def test_a_duplicate_story_adds_a_source_and_never_alerts() -> None:
    state = figure_state(66_000, A)
    assert apply_duplicate(None, figure_obs(66_000, A)) is None
    same = apply_duplicate(state, figure_obs(66_000, A, ref="9"))
    assert same is not None and same.outcome is Outcome.CORROBORATED
    assert same.state.source_refs == {"1", "9"}
    moved = apply_duplicate(state, figure_obs(97_000, A, ref="9", days=9))
    assert moved is not None and moved.outcome is Outcome.DUPLICATE
    assert moved.change is None and moved.state == state


# --- borders --------------------------------------------------------------------------

BORDER_CASES = [
    pytest.param(None, CLOSED, Outcome.FIRST_SEEN, ChangeType.STATUS, id="none-closed"),
    pytest.param(None, RESTRICTED, Outcome.FIRST_SEEN, ChangeType.STATUS, id="none-restricted"),
    pytest.param(None, REOPENED, Outcome.FIRST_SEEN, None, id="none-reopened"),
    pytest.param(CLOSED, REOPENED, Outcome.CHANGED, ChangeType.STATUS, id="closed-reopened"),
    pytest.param(RESTRICTED, CLOSED, Outcome.CHANGED, ChangeType.STATUS, id="restricted-closed"),
    pytest.param(REOPENED, RESTRICTED, Outcome.CHANGED, ChangeType.STATUS, id="reopened-restr"),
    pytest.param(CLOSED, CLOSED, Outcome.CORROBORATED, None, id="closed-again"),
]


@pytest.mark.parametrize(("old", "new", "outcome", "change_type"), BORDER_CASES)
def test_border_moves(
    old: BorderStatus | None,
    new: BorderStatus,
    outcome: Outcome,
    change_type: ChangeType | None,
) -> None:
    state = None if old is None else status_state(old)
    policy = replace(TEN_PERCENT, alert_first_seen=False)
    decision = apply_observation(state, status_obs(new), policy, NOW)
    assert decision.outcome is outcome
    assert (decision.change.change_type if decision.change else None) is change_type
    if decision.change is not None:
        assert (decision.change.old_status, decision.change.new_status) == (old, new)
    assert decision.state.status == (new if outcome is not Outcome.CORROBORATED else old)


def test_a_late_border_report_is_history() -> None:
    state = replace(status_state(REOPENED), as_of=T0 + timedelta(days=3))
    assert apply_observation(state, status_obs(CLOSED), TEN_PERCENT, NOW).outcome is Outcome.STALE


def test_a_mismatched_key_is_a_bug() -> None:
    with pytest.raises(ValueError, match="applied to indicator"):
        apply_observation(figure_state(1), status_obs(CLOSED), TEN_PERCENT, NOW)


# --- events to observations ----------------------------------------------------------------


def test_observation_of_an_event() -> None:
    event = Event(
        kind=EventKind.EMIGRATION,
        country="RU",
        counterpart="EU",
        evidence="About 66,000 left.",
        figure=Figure(66_000, A),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 2, 1),
    )
    obs = observation_of(event, source(published=None), ref="7", fallback_published=NOW)
    assert obs is not None
    assert obs.key == EMIGRATION and obs.figure == Figure(66_000, A) and obs.status is None
    assert obs.published == NOW and obs.ref == "7"
    assert obs.source.evidence == "About 66,000 left."
    assert obs.source.period_end == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("event", "key"),
    [
        (Event(EventKind.BORDER_CLOSURE, "FI", "x", "RU", status=CLOSED), BORDER),
        (Event(EventKind.BORDER_CLOSURE, "FI", "x", "RU", figure=Figure(5)), None),
        (
            Event(EventKind.MOBILIZATION, "ML", "x"),
            IndicatorKey(EventKind.MOBILIZATION, "ML", None, "people"),
        ),
        (Event(EventKind.EMIGRATION, "SD", "x", "TD"), None),
        (
            Event(EventKind.MOBILIZATION, "RU", "x", figure=Figure(300_000, U)),
            IndicatorKey(EventKind.MOBILIZATION, "RU", None, "people"),
        ),
    ],
)
def test_key_of(event: Event, key: IndicatorKey | None) -> None:
    assert key_of(event) == key
    obs = observation_of(event, source(), ref="1", fallback_published=NOW)
    assert (obs.key if obs else None) == key


def test_one_observation_per_series_from_one_article() -> None:
    low, high = figure_obs(66_000), figure_obs(97_000)
    unsure = replace(figure_obs(120_000), confidence=0.5)
    border = status_obs(CLOSED)
    assert select_observations([low, high, unsure, border]) == (high, border)


# --- thresholds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10%", Threshold(10, True)),
        (" 2.5 % ".replace(" ", ""), Threshold(2.5, True)),
        ("5000", Threshold(5000, False)),
        ("5,000", Threshold(5000, False)),
        ("0", Threshold(0, False)),
    ],
)
def test_parse_threshold(text: str, expected: Threshold) -> None:
    assert parse_threshold(text) == expected
    assert parse_threshold(str(expected)) == expected


@pytest.mark.parametrize("text", ["", "ten", "-5", "5%%", "nan", "inf%"])
def test_a_bad_threshold_is_a_clear_error(text: str) -> None:
    with pytest.raises(MonitorError, match="is not a threshold"):
        parse_threshold(text)


# --- invariants ---------------------------------------------------------------------------

qualifiers = st.sampled_from(list(Qualifier))
values = st.integers(min_value=0, max_value=10**9)
thresholds = st.builds(
    Threshold, st.floats(min_value=0, max_value=500, allow_nan=False), st.booleans()
)


@given(values, qualifiers, values, qualifiers, thresholds)
def test_a_change_always_reaches_the_threshold(
    old: int, old_q: Qualifier, new: int, new_q: Qualifier, threshold: Threshold
) -> None:
    state = figure_state(old, old_q)
    decision = apply_observation(state, figure_obs(new, new_q), Policy(threshold), NOW)
    if decision.change is None:
        assert decision.state.figure == state.figure
        return
    assert threshold.is_reached(old, new) and old != new
    assert decision.change.change_type is (
        ChangeType.INCREASE if new > old else ChangeType.DECREASE
    )
    lo, hi = bounds(Figure(new, new_q))
    assert not (lo <= bounds(Figure(old, old_q))[0] and bounds(Figure(old, old_q))[1] <= hi)


@given(values, qualifiers, values, qualifiers)
def test_a_late_observation_never_moves_the_value(
    old: int, old_q: Qualifier, new: int, new_q: Qualifier
) -> None:
    state = figure_state(old, old_q, as_of=T0 + timedelta(days=30))
    decision = apply_observation(state, figure_obs(new, new_q, days=3), TEN_PERCENT, NOW)
    assert decision.change is None and decision.state.figure == state.figure


@given(values, qualifiers)
def test_restating_never_alerts(value: int, qualifier: Qualifier) -> None:
    state = figure_state(value, qualifier)
    decision = apply_observation(
        state, figure_obs(value, qualifier, days=9), Policy(Threshold(0, False)), NOW
    )
    assert decision.change is None


@given(values, values, st.text(max_size=5), st.text(max_size=5))
def test_dedup_keys_are_stable_and_tell_moves_apart(a: int, b: int, ref1: str, ref2: str) -> None:
    state = figure_state(a)
    one = dedup_key_for(state, figure_obs(b, ref=ref1))
    assert one == dedup_key_for(state, figure_obs(b, ref=ref1, days=4))
    assert one.startswith("chg:")
    other = dedup_key_for(state, figure_obs(b + 1, ref=ref1))
    assert one != other
    if ref1 != ref2:
        assert one != dedup_key_for(state, figure_obs(b, ref=ref2))


def test_decision_is_frozen() -> None:
    decision = Decision(Outcome.STALE, figure_state(1))
    with pytest.raises(AttributeError):
        decision.outcome = Outcome.CHANGED  # type: ignore[misc]


# --- a call-up reported with no figure ---------------------------------------------------


def call_up_obs(figure: Figure | None, *, ref: str, days: float = 1) -> Observation:
    published = T0 + timedelta(days=days)
    return Observation(
        key=CALL_UP, source=source(f"entry {ref}", published), ref=ref, published=published,
        figure=figure,
    )  # fmt: skip


def test_a_call_up_without_a_figure_alerts_once_then_its_first_figure_is_a_change() -> None:
    policy = Policy(Threshold(10, relative=True), alert_first_seen=True)
    first = apply_observation(None, call_up_obs(None, ref="1"), policy, NOW)
    assert first.outcome is Outcome.FIRST_SEEN and first.change is not None
    assert first.change.new_figure is None
    assert format_movement(first.change) == "reported, no figure yet (new)"

    again = apply_observation(first.state, call_up_obs(None, ref="2"), policy, NOW)
    assert again.outcome is Outcome.CORROBORATED and again.change is None
    assert again.state.source_count == 2
    same_source = apply_observation(again.state, call_up_obs(None, ref="2"), policy, NOW)
    assert same_source.outcome is Outcome.REPEATED

    counted = call_up_obs(Figure(3_000, A), ref="3", days=2)
    figured = apply_observation(again.state, counted, policy, NOW)
    assert figured.outcome is Outcome.CHANGED and figured.change is not None
    assert figured.change.change_type is ChangeType.INCREASE
    assert (figured.change.old_figure, figured.change.new_figure) == (None, Figure(3_000, A))
    assert format_movement(figured.change) == "no figure → ~3,000"

    vague = apply_observation(figured.state, call_up_obs(None, ref="4", days=3), policy, NOW)
    assert vague.outcome is Outcome.RESTATED and vague.change is None
    assert vague.state.figure == Figure(3_000, A)


def test_a_call_up_without_a_figure_can_stay_quiet_when_first_seen_does() -> None:
    quiet = Policy(Threshold(10, relative=True), alert_first_seen=False)
    first = apply_observation(None, call_up_obs(None, ref="1"), quiet, NOW)
    assert first.outcome is Outcome.FIRST_SEEN and first.change is None
