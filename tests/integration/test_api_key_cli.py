"""`python -m gym_live apikey`: a key's secret printed once, never listed, and revocable."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import Cli
from tests.helpers.databases import sqlite_copy


@pytest.fixture
def cli(tmp_path: Path, sqlite_template: Path) -> Cli:
    made = Cli(sqlite_copy(sqlite_template, tmp_path / "keys.db"))
    made("location", "add", "Downtown", "--capacity", "50", "--timezone", "Europe/Berlin")
    made("location", "add", "Harbour", "--capacity", "20", "--timezone", "Europe/Berlin")
    return made


def test_a_key_is_shown_once_listed_without_its_secret_and_revoked(cli: Cli) -> None:
    shown = cli("apikey", "add", "Front turnstile", "--scope", "scan", "--location", "Harbour")
    secret = shown.stdout.splitlines()[1]
    assert secret.startswith("gl_") and "shown only now" in shown.stdout
    made = cli.json("apikey", "add", "Reports", "--scope", "export", "--scope", "scan")
    assert made["key"].startswith("gl_") and made["api_key"]["scopes"] == ["scan", "export"]
    listed = cli("apikey", "list").stdout + cli("apikey", "list", "--json").stdout
    assert secret not in listed and made["key"] not in listed
    keys = cli.json("apikey", "list")["api_keys"]
    assert [(k["name"], k["locations"], k["status"]) for k in keys] == [
        ("Front turnstile", ["Harbour"], "active"),
        ("Reports", [], "active"),
    ]
    done = cli.json("apikey", "revoke", str(keys[0]["id"]))["api_key"]
    assert done["status"] == "revoked" and done["revoked_at"]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("apikey", "add", "   ", "--scope", "scan"), "error: Give the key a name"),
        (
            ("apikey", "add", "X", "--scope", "scan", "--location", "Nowhere"),
            "error: No location named",
        ),
        (("apikey", "revoke", "99"), "error: No API key with id 99."),
    ],
    ids=["blank-name", "unknown-location", "unknown-id"],
)
def test_bad_input_is_refused_in_one_line_and_adds_nothing(
    cli: Cli, args: tuple[str, ...], error: str
) -> None:
    refused = cli(*args, ok=False)
    assert refused.stderr.strip().startswith(error) and len(refused.stderr.splitlines()) == 1
    assert cli.json("apikey", "list")["api_keys"] == []


def test_an_unknown_scope_is_refused_by_the_parser(cli: Cli) -> None:
    refused = cli("apikey", "add", "X", "--scope", "admin", ok=False)
    assert "invalid choice: 'admin'" in refused.stderr
