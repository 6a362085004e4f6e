"""The two inspections (Art. 11-13): the warehouse's first, then QC's, each covering every
received unit once, with grades, defect tags, responsibility, checklist answers, photos."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns import inspection as rules
from backend.domain.returns.kinds import Action, InspectionStage
from backend.persistence.models import Inspection, Product, ReturnLine
from backend.persistence.repositories import tickets as repo
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.returns import casefile
from backend.services.unit_of_work import UnitOfWork

_ACTION = {InspectionStage.INITIAL: Action.INSPECT_INITIAL, InspectionStage.QC: Action.INSPECT_QC}


@dataclass(frozen=True, slots=True)
class RecordInspection:
    idempotency_key: str
    ticket_number: str
    stage: InspectionStage
    results: list[rules.UnitResult] = field(default_factory=list)
    note: str = ""


async def record_inspection(pubsub: PubSub, actor: Principal, cmd: RecordInspection) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        rules.check_inspector(cmd.stage, actor.role)
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        lines = await repo.lines(ticket.id)
        categories = dict(
            await Product.filter(id__in=[line.product_id for line in lines]).values_list(
                "id", "category_id"
            )
        )
        asked = await repo.checklist_codes(set(categories.values()))
        results = rules.check_results(
            cmd.stage,
            cmd.results,
            {line.id: line.quantity_received for line in lines if line.quantity_received},
            known_tags=await repo.active_defect_tags(),
            checklist_codes={line.id: asked[categories[line.product_id]] for line in lines},
        )
        photos = {photo for result in results for photo in result.photos}
        missing = photos - await repo.known_photos(photos)
        if missing:
            raise DomainError(
                ErrorCode.INVALID, f"No uploaded photo {sorted(missing)[0]}.", "results.photos"
            )
        await casefile.move(
            uow,
            actor,
            ticket,
            _ACTION[cmd.stage],
            {"stage": cmd.stage.value, "note": note, "units": sum(r.quantity for r in results)},
        )
        now = datetime.now(UTC)
        created = [
            await Inspection.create(
                ticket_id=ticket.id,
                line_id=result.line_id,
                stage=cmd.stage,
                quantity=result.quantity,
                passed=result.passed,
                grade=result.grade,
                responsibility=result.responsibility,
                defect_tags=list(result.defect_tags),
                defect_text=result.defect_text.strip(),
                checklist=[
                    {"code": a.code, "ok": a.ok, "note": a.note.strip()} for a in result.checklist
                ],
                photos=list(result.photos),
                note=(result.note.strip() or note),
                inspector_id=actor.user_id,
                at=now,
            )
            for result in results
        ]
        if cmd.stage is InspectionStage.QC:
            for line in lines:
                graded = sum(r.quantity for r in results if r.line_id == line.id)
                if graded:
                    await ReturnLine.filter(id=line.id).update(quantity_graded=graded)
        uow.emit(
            casefile.INSPECTIONS_TOPIC,
            {
                "ticketId": ticket.id,
                "number": ticket.number,
                "stage": cmd.stage.value,
                "inspectionIds": [row.id for row in created],
                "partnerId": ticket.partner_id,
            },
        )
        return {"ticketId": ticket.id, "inspectionIds": [row.id for row in created]}

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "recordInspection", casefile.request_of(cmd), work
    )


async def qc_results(ticket_id: int) -> list[Inspection]:
    return await Inspection.filter(ticket_id=ticket_id, stage=InspectionStage.QC).order_by("id")
