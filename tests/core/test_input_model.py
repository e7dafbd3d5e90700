"""Input schemas refuse NUL characters anywhere in their text, naming the field."""

from __future__ import annotations

import pytest
from pydantic import Field, ValidationError

from frontdesk.core.input_model import InputModel


class Inner(InputModel):
    text: str


class Outer(InputModel):
    name: str
    tags: list[str] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)
    inner: Inner | None = None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "a\x00b"}, ("name",)),
        ({"name": "ok", "tags": ["x", "y\x00"]}, ("tags",)),
        ({"name": "ok", "labels": {"k\x00": "v"}}, ("labels",)),
        ({"name": "ok", "inner": {"text": "\x00"}}, ("inner", "text")),
    ],
)
def test_nul_is_refused_where_it_stands(data: dict[str, object], field: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError) as error:
        Outer.model_validate(data)
    (problem,) = error.value.errors()
    assert problem["loc"] == field
    assert "must not contain NUL characters" in problem["msg"]


def test_ordinary_text_passes() -> None:
    value = Outer.model_validate({"name": "Ünïcode ✓", "tags": ["a"], "inner": {"text": "x"}})
    assert value.name == "Ünïcode ✓"
