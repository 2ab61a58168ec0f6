"""`/api/docs` (gym_live/api_docs.py): every endpoint of the schema, from this server
alone (no script, nothing from another site), with the schema's text escaped."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from gym_live import api
from gym_live.api_docs import docs_page


def test_the_docs_list_every_endpoint_and_load_nothing_from_elsewhere() -> None:
    answer = TestClient(api.api).get(api.DOCS)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    page = answer.text
    for path, methods in api.api.openapi()["paths"].items():
        for method in methods:
            assert f"{method.upper()}</span> <code>{path}</code>" in page
    assert "<script" not in page
    assert not re.search(r"""(src|href)=['"]?(https?:)?//""", page)  # nothing from elsewhere
    assert "Needs an API key" in page and "Public: no key needed." in page


def test_text_from_the_schema_is_shown_as_text() -> None:
    schema = {
        "info": {"title": "<b>x</b>", "version": "1", "description": "<script>alert(1)</script>"},
        "paths": {"/a/<i>": {"get": {"summary": "<img src=x onerror=alert(1)>"}}},
        "components": {"schemas": {"Odd<Name>": {"properties": {"f": {"description": "<u>"}}}}},
    }
    page = docs_page(schema)
    assert "<script>" not in page and "<img" not in page and "<u>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Odd&lt;Name&gt;" in page
