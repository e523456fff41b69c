"""The schema's common parts: the strict base class, the id and term types, and the bounds of counts."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

#: Ids are short machine names: letters, digits, `_`, `-`, `.`, starting with a letter or digit.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]

#: An evidence term or a granted capability: never empty (an empty term matched nothing and read as "no evidence").
Term = Annotated[str, StringConstraints(min_length=1)]

#: Upper bounds of counts, far above any real system and far below what breaks arithmetic: a count of
#: 4,000 digits overflowed every float it met. 10^10 is more people than live on Earth.
MAX_PEOPLE = 10_000_000_000
#: Items of a list inside one record (a flow's data; not the model's record lists, which the loader's caps bound:
#: a national model has more flows): far above any real record, low enough that a million wrong values is one problem.
MAX_ITEMS = 10_000
#: A century: "kept forever" in practice; longer is a typo or a hostile file.
MAX_RETENTION_DAYS = 36_525


class Strict(BaseModel):
    """Base for every schema class: unknown keys are errors, values are not coerced across kinds."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_default=True)
