"""The model stage: schema, safe loader with line-aware errors, and the controls catalog."""

from biotm.model.errors import ModelError, Problem
from biotm.model.loader import LoadedModel, load_bytes, load_model, validate_data
from biotm.model.parse import Limits
from biotm.model.schema import Model
from biotm.model.source import SourceLocation, SourceMap

__all__ = [
    "Limits",
    "LoadedModel",
    "Model",
    "ModelError",
    "Problem",
    "SourceLocation",
    "SourceMap",
    "load_bytes",
    "load_model",
    "validate_data",
]
