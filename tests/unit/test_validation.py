"""Input limits shared by every use case (backend/domain/validation.py)."""

from __future__ import annotations

import pytest

from backend.domain import validation
from backend.domain.errors import DomainError, ErrorCode


def _refusal(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as refused:
        call(*args, **kwargs)
    return refused.value


@pytest.mark.parametrize("value", [1, 7, validation.MAX_QUANTITY])
def test_a_quantity_from_one_to_the_maximum_is_accepted(value):
    assert validation.quantity(value) == value


@pytest.mark.parametrize("value", [0, -1, validation.MAX_QUANTITY + 1, 2**63])
def test_zero_negative_and_absurd_quantities_are_refused(value):
    error = _refusal(validation.quantity, value)
    assert error.code is ErrorCode.INVALID_QUANTITY
    assert error.field == "quantity"


def test_a_quantity_error_names_the_field_it_came_from():
    assert _refusal(validation.quantity, 0, "lines.0.quantity").field == "lines.0.quantity"


@pytest.mark.parametrize("value", [0, 1, validation.MAX_QUANTITY])
def test_a_count_may_be_zero(value):
    assert validation.count(value) == value


@pytest.mark.parametrize("value", [-1, validation.MAX_QUANTITY + 1])
def test_a_negative_or_absurd_count_is_refused(value):
    error = _refusal(validation.count, value)
    assert error.code is ErrorCode.INVALID_QUANTITY
    assert error.field == "countedQuantity"


def test_text_is_trimmed():
    assert validation.text("  hello \n", "note", max_length=10) == "hello"


def test_missing_optional_text_becomes_empty():
    assert validation.text(None, "note", max_length=10) == ""


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_required_text_is_refused(value):
    error = _refusal(validation.text, value, "reason", max_length=10, required=True)
    assert error.code is ErrorCode.REQUIRED
    assert error.field == "reason"


def test_text_at_the_limit_is_accepted_and_one_more_is_too_long():
    assert validation.text("x" * 10, "note", max_length=10) == "x" * 10
    error = _refusal(validation.text, "x" * 11, "note", max_length=10)
    assert error.code is ErrorCode.TOO_LONG


def test_the_limit_counts_characters_not_bytes():
    assert validation.text("仓" * 10, "note", max_length=10) == "仓" * 10


@pytest.mark.parametrize("value", ["SKU-1", "W1-SEL-1", "6900000000001", "a.b_c/d", "X"])
def test_codes_of_letters_digits_and_separators_are_accepted(value):
    assert validation.code(value, "sku") == value


def test_a_code_is_trimmed_before_it_is_checked():
    assert validation.code("  SKU-1 ", "sku") == "SKU-1"


@pytest.mark.parametrize("value", ["-SKU", "SKU 1", "SKU;DROP", "商品", "SKU\n1", "_x"])
def test_codes_with_other_characters_or_a_leading_separator_are_invalid(value):
    error = _refusal(validation.code, value, "sku")
    assert error.code is ErrorCode.INVALID
    assert error.field == "sku"


def test_a_missing_code_is_required():
    assert _refusal(validation.code, "", "locationCode").code is ErrorCode.REQUIRED
    assert _refusal(validation.code, None, "locationCode").code is ErrorCode.REQUIRED


def test_a_code_over_sixty_four_characters_is_too_long():
    assert validation.code("A" * validation.SHORT_TEXT, "sku") == "A" * validation.SHORT_TEXT
    error = _refusal(validation.code, "A" * (validation.SHORT_TEXT + 1), "sku")
    assert error.code is ErrorCode.TOO_LONG


def test_an_idempotency_key_is_trimmed_and_required():
    assert validation.idempotency_key("  k-1 ") == "k-1"
    assert _refusal(validation.idempotency_key, "  ").code is ErrorCode.REQUIRED


def test_an_idempotency_key_fits_its_column():
    limit = validation.IDEMPOTENCY_KEY_MAX
    assert validation.idempotency_key("k" * limit) == "k" * limit
    error = _refusal(validation.idempotency_key, "k" * (limit + 1))
    assert error.code is ErrorCode.TOO_LONG
    assert error.field == "idempotencyKey"
