"""Rules of the two-stage inspection (Art. 11-13) and what the results decide.

Each stage covers every received unit of every line exactly once, in groups that can split
a line (one unit A, one unit C). QC comes after the warehouse's initial inspection and
must grade every unit; a grade A unit has passed; a failed unit names its defect.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from backend.domain import validation
from backend.domain.auth.roles import Role
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns.kinds import InspectionStage
from backend.domain.returns.policies import Grade, Responsibility

INSPECTORS: Mapping[InspectionStage, frozenset[Role]] = {
    InspectionStage.INITIAL: frozenset({Role.WAREHOUSE, Role.ADMIN}),
    InspectionStage.QC: frozenset({Role.QC, Role.ADMIN}),
}
MAX_PHOTOS = 12


@dataclass(frozen=True, slots=True)
class ChecklistAnswer:
    code: str
    ok: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class UnitResult:
    """The verdict on `quantity` units of one ticket line."""

    line_id: int
    quantity: int
    passed: bool
    grade: Grade | None = None
    responsibility: Responsibility = Responsibility.UNKNOWN
    defect_tags: tuple[str, ...] = ()
    defect_text: str = ""
    checklist: tuple[ChecklistAnswer, ...] = ()
    photos: tuple[str, ...] = field(default_factory=tuple)
    note: str = ""


def check_inspector(stage: InspectionStage, role: Role) -> None:
    if role not in INSPECTORS[stage]:
        who = "the warehouse" if stage is InspectionStage.INITIAL else "QC"
        raise DomainError(
            ErrorCode.NOT_ALLOWED, f"The {stage} inspection is done by {who}.", "stage"
        )


def check_results(
    stage: InspectionStage,
    results: Iterable[UnitResult],
    received: Mapping[int, int],
    *,
    known_tags: frozenset[str],
    checklist_codes: Mapping[int, frozenset[str]],
) -> list[UnitResult]:
    """`received` maps each line to its received units; `checklist_codes` each line to the
    questions its category asks. Returns the results, checked."""
    checked = list(results)
    covered: dict[int, int] = defaultdict(int)
    for n, result in enumerate(checked):
        where = f"results.{n}"
        if result.line_id not in received:
            raise DomainError(ErrorCode.INVALID, "No such line on this ticket.", f"{where}.lineId")
        validation.quantity(result.quantity, f"{where}.quantity")
        covered[result.line_id] += result.quantity
        _check_verdict(stage, result, where)
        unknown = [tag for tag in result.defect_tags if tag not in known_tags]
        if unknown:
            raise DomainError(
                ErrorCode.INVALID, f"Unknown defect tag {unknown[0]}.", f"{where}.defectTags"
            )
        validation.text(result.defect_text, f"{where}.defectText", max_length=validation.LONG_TEXT)
        validation.text(result.note, f"{where}.note", max_length=validation.LONG_TEXT)
        asked = checklist_codes.get(result.line_id, frozenset())
        for answer in result.checklist:
            if answer.code not in asked:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"{answer.code} is not on this product's checklist.",
                    f"{where}.checklist",
                )
        if len(result.photos) > MAX_PHOTOS:
            raise DomainError(
                ErrorCode.INVALID, f"At most {MAX_PHOTOS} photos per result.", f"{where}.photos"
            )
    for line_id, units in received.items():
        if covered.get(line_id, 0) != units:
            raise DomainError(
                ErrorCode.INVALID_QUANTITY,
                f"Line {line_id} has {units} units received; the results cover "
                f"{covered.get(line_id, 0)}. Every unit is inspected once.",
                "results",
            )
    return checked


def _check_verdict(stage: InspectionStage, result: UnitResult, where: str) -> None:
    if stage is InspectionStage.QC and result.grade is None:
        raise DomainError(ErrorCode.REQUIRED, "QC grades every unit A, B or C.", f"{where}.grade")
    if stage is InspectionStage.INITIAL and result.grade is not None:
        raise DomainError(
            ErrorCode.INVALID,
            "Grades are given at the QC inspection, not the first.",
            f"{where}.grade",
        )
    if result.grade is Grade.A and not result.passed:
        raise DomainError(ErrorCode.INVALID, "A failed unit cannot be grade A.", f"{where}.grade")
    if not result.passed and not result.defect_tags and not result.defect_text.strip():
        raise DomainError(
            ErrorCode.REQUIRED,
            "A failed unit names its defect: a tag or a description.",
            f"{where}.defectTags",
        )


def graded_units(results: Iterable[UnitResult]) -> dict[tuple[int, Grade], int]:
    """Units per (line, grade) from QC's results: what the put-away moves where."""
    units: dict[tuple[int, Grade], int] = defaultdict(int)
    for result in results:
        assert result.grade is not None  # QC results are graded (check_results)
        units[(result.line_id, result.grade)] += result.quantity
    return dict(units)


def customer_caused(responsibilities: Iterable[Responsibility]) -> bool:
    return Responsibility.CUSTOMER in set(responsibilities)
