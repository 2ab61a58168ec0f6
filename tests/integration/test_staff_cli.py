"""The staff commands as an operator runs them: passwords never on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import Cli
from tests.helpers.databases import sqlite_copy


@pytest.fixture
def cli(tmp_path: Path, sqlite_template: Path) -> Cli:
    return Cli(sqlite_copy(sqlite_template, tmp_path / "staff.db"))


def test_the_first_admin_is_made_once_and_printed_with_the_address(cli: Cli) -> None:
    shown = cli("staff", "first-admin", "--url", "http://gym.example:3000").stdout
    assert "username: admin" in shown and "http://gym.example:3000" in shown
    password = shown.split("password: ")[1].split()[0]
    assert len(password) >= 16
    again = cli("staff", "first-admin").stdout
    assert password not in again and "sign in at http://localhost:3000" in again
    [admin] = cli.json("staff", "list")["staff"]
    assert (admin["username"], admin["role"], admin["active"]) == ("admin", "admin", True)


def test_accounts_are_added_listed_and_deactivated_without_secrets_in_the_output(
    cli: Cli,
) -> None:
    cli.env["GYM_STAFF_PASSWORD"] = "front desk secret"
    made = cli.json("staff", "add", "Maria", "--role", "front_desk", "--name", "Maria Lopez")
    assert made["staff"]["username"] == "maria" and made["staff"]["name"] == "Maria Lopez"
    listed = cli("staff", "list", "--json").stdout
    assert "front desk secret" not in listed and "argon2" not in listed
    cli.env["GYM_STAFF_PASSWORD"] = "short"
    weak = cli("staff", "passwd", "maria", ok=False)
    assert weak.stderr.strip() == "error: A password has at least 10 characters."
    assert cli.json("staff", "deactivate", "maria")["staff"]["active"] is False
    assert cli.json("staff", "reactivate", "maria")["staff"]["active"] is True


def test_without_the_variable_or_a_terminal_no_password_is_taken(cli: Cli) -> None:
    cli.env.pop("GYM_STAFF_PASSWORD", None)
    refused = cli("staff", "add", "bob", "--role", "admin", ok=False)
    assert "Set GYM_STAFF_PASSWORD" in refused.stderr
    assert cli.json("staff", "list")["staff"] == []


def test_the_last_admin_cannot_be_deactivated_from_the_cli(cli: Cli) -> None:
    cli("staff", "first-admin")
    refused = cli.json("staff", "deactivate", "admin", ok=False)
    assert refused["reason"] == "last_admin" and "last active admin" in refused["message"]
