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
