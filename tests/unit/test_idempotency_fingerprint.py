"""Idempotency fingerprints: the same request hashes the same, whatever the key or key order."""

from __future__ import annotations

import pytest

from backend.domain import idempotency
from backend.domain.errors import DomainError, ErrorCode

REQUEST = {"idempotency_key": "k-1", "sku": "SKU-1", "location_code": "W1-SEL-1", "quantity": 3}


def test_the_same_request_always_has_the_same_fingerprint():
    assert idempotency.fingerprint("receiveStock", REQUEST) == idempotency.fingerprint(
        "receiveStock", dict(REQUEST)
    )


def test_the_fingerprint_ignores_the_order_of_fields():
    shuffled = dict(reversed(list(REQUEST.items())))
    assert list(shuffled) != list(REQUEST)
    assert idempotency.fingerprint("receiveStock", shuffled) == idempotency.fingerprint(
        "receiveStock", REQUEST
    )


def test_the_fingerprint_ignores_nested_key_order():
    a = {"lines": {"x": 1, "y": 2}}
    b = {"lines": {"y": 2, "x": 1}}
    assert idempotency.fingerprint("op", a) == idempotency.fingerprint("op", b)


def test_the_fingerprint_ignores_the_idempotency_key_itself():
    other_key = {**REQUEST, "idempotency_key": "k-2"}
    without_key = {k: v for k, v in REQUEST.items() if k != "idempotency_key"}
    expected = idempotency.fingerprint("receiveStock", REQUEST)
    assert idempotency.fingerprint("receiveStock", other_key) == expected
    assert idempotency.fingerprint("receiveStock", without_key) == expected


@pytest.mark.parametrize(
    "change",
    [{"quantity": 4}, {"sku": "SKU-2"}, {"location_code": "W1-SEL-2"}, {"note": "extra"}],
)
def test_any_other_input_changes_the_fingerprint(change):
    assert idempotency.fingerprint("receiveStock", {**REQUEST, **change}) != (
        idempotency.fingerprint("receiveStock", REQUEST)
    )


def test_the_same_input_to_another_operation_has_another_fingerprint():
    assert idempotency.fingerprint("shipStock", REQUEST) != idempotency.fingerprint(
        "receiveStock", REQUEST
    )


def test_a_number_and_its_text_are_different_requests():
    assert idempotency.fingerprint("op", {"quantity": 3}) != idempotency.fingerprint(
        "op", {"quantity": "3"}
    )


def test_the_fingerprint_is_a_sha256_hex_digest_that_fits_the_column():
    digest = idempotency.fingerprint("receiveStock", REQUEST)
    assert len(digest) == 64
    assert set(digest) <= set("0123456789abcdef")


def test_the_same_fingerprint_may_be_replayed():
    digest = idempotency.fingerprint("receiveStock", REQUEST)
    assert idempotency.check_same_request(digest, digest) is None


def test_a_reused_key_with_another_request_is_refused():
    stored = idempotency.fingerprint("receiveStock", REQUEST)
    asked = idempotency.fingerprint("receiveStock", {**REQUEST, "quantity": 4})
    with pytest.raises(DomainError) as refused:
        idempotency.check_same_request(stored, asked)
    assert refused.value.code is ErrorCode.IDEMPOTENCY_KEY_REUSED
    assert refused.value.field == "idempotencyKey"


def test_keys_are_kept_at_least_a_week():
    assert idempotency.RETENTION.days >= 7
