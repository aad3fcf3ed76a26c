"""Shared base model: strict about unknown fields, friendly to JSON."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Base for every trialaudit schema: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
