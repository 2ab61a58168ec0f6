"""`/api/docs`: the API's reference, rendered on the server from its own OpenAPI schema.

One HTML page, no script, nothing from another site (the usual Swagger UI comes from a
CDN): every endpoint with its parameters, body fields and answers, and each schema's
fields. Every text from the schema is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

Schema = Mapping[str, Any]
_REF = "#/components/schemas/"
_CODE, _AS_CODE = re.compile(r"`([^`]+)`"), r"<code>\1</code>"
_STYLE = """
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5;
  --bg: #ffffff; --fg: #1c2024; --link: #0d4fb8; }
@media (prefers-color-scheme: dark) { :root { --bg: #111113; --fg: #edeef0; --link: #9cc3ff; } }
body { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
html { background: var(--bg); color: var(--fg); }
a { color: var(--link); }
h2 { margin-top: 2.5rem; border-top: 1px solid #8886; padding-top: 1rem; }
code { font-family: ui-monospace, monospace; }
caption { text-align: left; font-weight: 600; }
.method { font-weight: 700; padding: 0 .4rem; border: 1px solid; border-radius: .3rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .3rem .6rem; }
td { border-bottom: 1px solid #8884; }
"""


def docs_page(schema: Schema) -> str:
    info = schema.get("info", {})
    title = f"{info.get('title', 'API')} v{info.get('version', '')}"
    parts = [
        f"<h1>{_text(title)}</h1>",
        _prose(info.get("description", "")),
        '<p>The schema itself: <a href="/api/openapi.json">/api/openapi.json</a>.</p>',
        "<nav aria-label='Endpoints'><ul>",
        *(
            f"<li><a href='#{_anchor(method, path)}'>{_text(method.upper())} "
            f"<code>{_text(path)}</code></a>: {_text(op.get('summary', ''))}</li>"
            for path, method, op in _operations(schema)
        ),
        "</ul></nav>",
        *(_operation(path, method, op, schema) for path, method, op in _operations(schema)),
        "<h2 id='schemas'>Schemas</h2>",
        *(
            _fields(name, body)
            for name, body in sorted(schema.get("components", {}).get("schemas", {}).items())
        ),
    ]
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_text(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{''.join(parts)}</main></body></html>"
    )


def _operations(schema: Schema) -> Iterable[tuple[str, str, Schema]]:
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            yield path, method, op


def _operation(path: str, method: str, op: Schema, schema: Schema) -> str:
    security = (
        "<p>Needs an API key: <code>Authorization: Bearer &lt;key&gt;</code>.</p>"
        if op.get("security")
        else "<p>Public: no key needed.</p>"
    )
    parameters = [
        (
            p["name"],
            p.get("in", ""),
            _type(p.get("schema", {})),
            "yes" if p.get("required") else "no",
            p.get("description", ""),
        )
        for p in op.get("parameters", [])
    ]
    body = op.get("requestBody", {}).get("content", {})
    answers = [
        (status, answer.get("description", ""), _media(answer.get("content", {})))
        for status, answer in op.get("responses", {}).items()
    ]
    return "".join(
        (
            f"<h2 id='{_anchor(method, path)}'><span class='method'>{_text(method.upper())}"
            f"</span> <code>{_text(path)}</code></h2>",
            f"<p><strong>{_text(op.get('summary', ''))}</strong></p>",
            _prose(op.get("description", "")),
            security,
            _table("Parameters", ("Name", "In", "Type", "Required", "About"), parameters),
            f"<p>Body: {_media(body)}</p>" if body else "",
            _table("Answers", ("Status", "Meaning", "Body"), answers, raw_last=True),
        )
    )


def _fields(name: str, body: Schema) -> str:
    required = set(body.get("required", ()))
    rows = [
        (field, _type(spec), "yes" if field in required else "no", spec.get("description", ""))
        for field, spec in body.get("properties", {}).items()
    ]
    if "enum" in body:
        rows = [(value, "", "", "") for value in body["enum"]]
    return (
        f"<h3 id='schema-{_text(name)}'>{_text(name)}</h3>"
        f"<p>{_text(body.get('description', ''))}</p>"
        + _table(f"Fields of {name}", ("Field", "Type", "Required", "About"), rows)
    )


def _table(
    caption: str, headings: tuple[str, ...], rows: list[tuple[str, ...]], *, raw_last: bool = False
) -> str:
    if not rows:
        return ""
    head = "".join(f"<th scope='col'>{_text(h)}</th>" for h in headings)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{cell if raw_last and i == len(row) - 1 else _text(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><caption>{_text(caption)}</caption><tr>{head}</tr>{body}</table>"


def _media(content: Schema) -> str:
    """Each media type and its schema, as HTML (schema names link to their fields)."""
    return ", ".join(
        f"<code>{_text(kind)}</code> {_linked_type(spec.get('schema', {}))}"
        for kind, spec in content.items()
    )


def _linked_type(spec: Schema) -> str:
    if "$ref" in spec:
        name = spec["$ref"].removeprefix(_REF)
        return f"<a href='#schema-{_text(name)}'>{_text(name)}</a>"
    return _text(_type(spec))


def _type(spec: Schema) -> str:
    """A field's type as a person reads it: `string, 1 to 32 characters`, `date or null`."""
    if "$ref" in spec:
        return spec["$ref"].removeprefix(_REF)
    if "anyOf" in spec:
        return " or ".join(_type(option) for option in spec["anyOf"])
    if spec.get("type") == "array":
        return f"list of {_type(spec.get('items', {}))}"
    kind = spec.get("format") or spec.get("type", "any")
    limits = [
        f"{spec['minLength']} to {spec['maxLength']} characters"
        if "minLength" in spec and "maxLength" in spec
        else "",
        f"one of {', '.join(map(str, spec['enum']))}" if "enum" in spec else "",
    ]
    return ", ".join([kind, *filter(None, limits)])


def _anchor(method: str, path: str) -> str:
    return escape(f"{method}-{path.strip('/').replace('/', '-').replace('{', '').replace('}', '')}")


def _prose(text: str) -> str:
    """Paragraphs (split at blank lines), with `code` marked as code."""
    paragraphs = (" ".join(part.split()) for part in text.split("\n\n") if part.strip())
    return "".join("<p>" + _CODE.sub(_AS_CODE, _text(p)) + "</p>" for p in paragraphs)


def _text(value: object) -> str:
    return escape(str(value))
