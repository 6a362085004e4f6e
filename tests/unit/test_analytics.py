"""Return analytics rules: the filter's checks, Pareto order and shares, nearest rank."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns.analytics import (
    AnalyticsFilter,
    GroupCount,
    InspectedCount,
    check_filter,
    inspection_figures,
    nearest_rank,
    pareto,
    pareto_rows,
    share,
)
from backend.domain.returns.kinds import InspectionStage, ReturnKind
from backend.domain.returns.policies import Grade, Responsibility


def test_a_period_must_run_forwards():
    start = datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(DomainError) as refused:
        check_filter(AnalyticsFilter(created_from=start, created_to=start))
    assert refused.value.code is ErrorCode.INVALID
    assert refused.value.field == "filter.createdTo"


def test_times_are_taken_to_utc_and_codes_trimmed():
    east = datetime(2026, 3, 1, 8, tzinfo=timezone(timedelta(hours=8)))
    checked = check_filter(
        AnalyticsFilter(
            created_from=east,
            created_to=datetime(2026, 3, 2),  # noqa: DTZ001 (naive: read as UTC)
            sku=" SKU-1 ",
            reason_code="  ",
            kinds=(ReturnKind.RETURN, ReturnKind.RETURN),
        )
    )
    assert checked.created_from == datetime(2026, 3, 1, tzinfo=UTC)
    assert checked.created_to == datetime(2026, 3, 2, tzinfo=UTC)
    assert checked.sku == "SKU-1"
    assert checked.reason_code is None
    assert checked.kinds == (ReturnKind.RETURN,)


def test_a_code_with_odd_characters_is_refused():
    with pytest.raises(DomainError) as refused:
        check_filter(AnalyticsFilter(warehouse_code="W 1;"))
    assert refused.value.field == "filter.warehouseCode"


def test_pareto_orders_by_units_then_tickets_then_key_with_the_missing_key_last():
    rows = pareto(
        [
            GroupCount("B", "b", 2, 1, 10),
            GroupCount(None, "", 5, 5, 0),
            GroupCount("C", "c", 2, 2, 4),
            GroupCount("A", "a", 2, 1, 0),
            GroupCount("D", "d", 5, 5, 20),
        ],
        16,
    )
    assert [r.key for r in rows] == ["D", None, "C", "A", "B"]
    assert [r.units for r in rows] == [5, 5, 2, 2, 2]
    assert [r.share for r in rows] == [5 / 16, 5 / 16, 2 / 16, 2 / 16, 2 / 16]
    assert [r.cumulative_share for r in rows] == [5 / 16, 10 / 16, 12 / 16, 14 / 16, 1.0]
    assert [r.return_rate for r in rows] == [0.25, None, 0.5, None, 0.2]


def test_nothing_returned_gives_no_rows_and_no_division():
    assert pareto([], 0) == []
    assert share(0, 0) is None
    assert share(1, 4) == 0.25


@pytest.mark.parametrize(
    ("percent", "count", "rank"),
    [
        (50, 1, 1),
        (50, 2, 1),  # the lower middle value
        (50, 3, 2),
        (50, 4, 2),
        (90, 1, 1),
        (90, 2, 2),
        (90, 4, 4),
        (90, 10, 9),
        (90, 11, 10),
        (90, 20, 18),
        (100, 7, 7),
    ],
)
def test_nearest_rank_is_the_ceiling_of_p_times_n(percent, count, rank):
    assert nearest_rank(percent, count) == rank


def test_nearest_rank_needs_values():
    with pytest.raises(ValueError, match="no values"):
        nearest_rank(50, 0)


def test_a_pareto_list_answers_between_1_and_500_rows():
    assert pareto_rows(None) == 50
    assert pareto_rows(500) == 500
    for bad in (0, 501):
        with pytest.raises(DomainError):
            pareto_rows(bad)


def test_inspection_figures_fold_the_grouped_counts():
    initial, qc = InspectionStage.INITIAL, InspectionStage.QC
    figures = inspection_figures(
        [
            InspectedCount(initial, True, None, Responsibility.UNKNOWN, 6),
            InspectedCount(initial, False, None, Responsibility.COURIER, 2),
            InspectedCount(qc, True, Grade.A, Responsibility.UNKNOWN, 3),
            InspectedCount(qc, False, Grade.C, Responsibility.CUSTOMER, 2),
            InspectedCount(qc, False, Grade.C, Responsibility.PRODUCT, 1),
            InspectedCount(qc, False, None, Responsibility.CUSTOMER, 2),  # failed, ungraded
        ]
    )
    assert [(o.units, o.passed_units, o.failed_units, o.pass_rate) for o in figures.outcomes] == [
        (8, 6, 2, 0.75),
        (8, 3, 5, 3 / 8),
    ]
    assert figures.graded_units == 6
    assert [(g.grade, g.units, g.share) for g in figures.grades] == [
        (Grade.A, 3, 0.5),
        (Grade.B, 0, 0.0),
        (Grade.C, 3, 0.5),
    ]
    assert (figures.qc_units, figures.customer_units, figures.customer_share) == (8, 4, 0.5)


def test_no_inspections_give_no_shares():
    figures = inspection_figures([])
    assert [o.pass_rate for o in figures.outcomes] == [None, None]
    assert [g.share for g in figures.grades] == [None, None, None]
    assert figures.customer_share is None
