"""Return reasons and defect tags: the standard lists, and managers changing them."""

from __future__ import annotations

from backend.domain.auth.roles import Role

REASONS = "{ returnReasons { code isQuality shippingFeePayer } }"
UPSERT = """
mutation U($input: UpsertReturnReasonInput!) { upsertReturnReason(input: $input) {
  reason { code nameZh isQuality active shippingFeePayer } userErrors { field code } } }
"""


async def test_every_install_starts_with_quality_and_other_reasons(gql, actors):
    reasons = (await gql(REASONS, None, actors[Role.PARTNER]))["data"]["returnReasons"]
    by_code = {r["code"]: r for r in reasons}
    assert by_code["QUALITY_DEFECT"]["shippingFeePayer"] == "MERCHANT"
    assert by_code["CHANGED_MIND"]["shippingFeePayer"] == "CUSTOMER"
    tags = (await gql("{ defectTags { code nameZh } }", None, actors[Role.QC]))["data"]
    assert {"code": "STAIN", "nameZh": "污渍"} in tags["defectTags"]


async def test_a_manager_adds_changes_and_retires_a_reason(gql, actors):
    manager = actors[Role.CS_MANAGER]
    body = await gql(
        UPSERT,
        {
            "input": {
                "code": "LATE_DELIVERY",
                "nameZh": "发货太慢",
                "nameEn": "Late",
                "isQuality": False,
            }
        },
        manager,
    )
    assert body["data"]["upsertReturnReason"]["reason"]["shippingFeePayer"] == "CUSTOMER"
    changed = await gql(
        UPSERT,
        {
            "input": {
                "code": "LATE_DELIVERY",
                "nameZh": "发货太慢",
                "nameEn": "Late",
                "isQuality": True,
                "active": False,
            }
        },
        manager,
    )
    assert changed["data"]["upsertReturnReason"]["reason"]["active"] is False
    listed = (await gql(REASONS, None, manager))["data"]["returnReasons"]
    assert "LATE_DELIVERY" not in {r["code"] for r in listed}
    everything = await gql("{ returnReasons(includeInactive: true) { code } }", None, manager)
    assert "LATE_DELIVERY" in {r["code"] for r in everything["data"]["returnReasons"]}


async def test_a_reason_needs_both_names_and_a_clean_code(gql, actors):
    body = await gql(
        UPSERT,
        {"input": {"code": "bad code", "nameZh": "x", "nameEn": "x", "isQuality": False}},
        actors[Role.ADMIN],
    )
    assert body["data"]["upsertReturnReason"]["userErrors"][0]["field"] == "code"
    body = await gql(
        UPSERT,
        {"input": {"code": "OK", "nameZh": " ", "nameEn": "x", "isQuality": False}},
        actors[Role.ADMIN],
    )
    assert body["data"]["upsertReturnReason"]["userErrors"][0]["field"] == "nameZh"


CHECKLIST_UPSERT = """
mutation($input: UpsertChecklistItemInput!) { upsertChecklistItem(input: $input) {
  item { code categoryCode questionZh position active } userErrors { field code } } }
"""
CHECKLIST = "query($c: String) { checklists(categoryCode: $c) { code categoryCode } }"


async def test_a_category_gets_its_own_checklist_questions_after_the_general_ones(
    gql, actors, catalogue
):
    manager = actors[Role.CS_MANAGER]
    question = {
        "categoryCode": "APPAREL",
        "code": "SEAMS",
        "questionZh": "缝线是否完好",
        "questionEn": "Are the seams intact?",
        "position": 10,
    }
    body = await gql(CHECKLIST_UPSERT, {"input": question}, manager)
    assert body["data"]["upsertChecklistItem"]["item"]["categoryCode"] == "APPAREL"
    apparel = (await gql(CHECKLIST, {"c": "APPAREL"}, actors[Role.QC]))["data"]["checklists"]
    assert [q["code"] for q in apparel][-1] == "SEAMS"
    assert len(apparel) == 6  # the five general questions, then the category's
    general = (await gql(CHECKLIST, {"c": None}, actors[Role.QC]))["data"]["checklists"]
    assert "SEAMS" not in {q["code"] for q in general}
    retired = await gql(CHECKLIST_UPSERT, {"input": {**question, "active": False}}, manager)
    assert retired["data"]["upsertChecklistItem"]["item"]["active"] is False
    apparel = (await gql(CHECKLIST, {"c": "APPAREL"}, actors[Role.QC]))["data"]["checklists"]
    assert "SEAMS" not in {q["code"] for q in apparel}


async def test_a_checklist_question_needs_a_known_category_and_both_texts(gql, actors, catalogue):
    base = {"code": "X", "questionZh": "问", "questionEn": "Q"}
    for change, field in (
        ({"categoryCode": "NOPE"}, "categoryCode"),
        ({"questionEn": " "}, "questionEn"),
        ({"position": -1}, "position"),
    ):
        body = await gql(CHECKLIST_UPSERT, {"input": {**base, **change}}, actors[Role.ADMIN])
        assert body["data"]["upsertChecklistItem"]["userErrors"][0]["field"] == field
