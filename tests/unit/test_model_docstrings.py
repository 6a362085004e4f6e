"""Tortoise turns a model's docstring into its table comment, and the SQLite migration
splits statements on ';' (a semicolon there broke `migrate`): keep them out."""

from __future__ import annotations

from tortoise.models import Model

from backend.persistence import models


def test_no_model_docstring_holds_a_semicolon():
    for name in models.__all__:
        model = getattr(models, name)
        assert issubclass(model, Model)
        assert ";" not in (model.__doc__ or ""), f"{name}'s docstring has a ';'"
