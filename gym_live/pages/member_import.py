"""`/members/import` (admins): choose a CSV file; see how many rows are new, already
members or refused, and each refused row's problems; then import the new ones."""

from __future__ import annotations

import reflex as rx

from gym_live.components.layout import staff_page
from gym_live.components.tables import admin_table, long_text
from gym_live.components.uploads import file_button
from gym_live.domain.member_import import COLUMNS_IN_WORDS, MAX_IMPORT_BYTES
from gym_live.pages import routes
from gym_live.states.member_import import FILE_RULE, MemberImportState

CSV_UPLOAD = "csv-upload"
COUNTS = MemberImportState.counts


def member_import_page() -> rx.Component:
    return staff_page(
        rx.card(
            rx.vstack(
                rx.text("The first line names the columns: ", rx.code(COLUMNS_IN_WORDS), "."),
                rx.text(
                    "Rows whose card number or email is already a member's are left as they "
                    "are, so importing the same file twice adds nobody twice.",
                    size="2",
                    color_scheme="gray",
                ),
                file_button(
                    "Choose a CSV file",
                    icon="file-up",
                    upload_id=CSV_UPLOAD,
                    accept={"text/csv": [".csv"], "text/plain": [".txt"]},
                    max_size=MAX_IMPORT_BYTES,
                    on_drop=MemberImportState.preview_file(rx.upload_files(upload_id=CSV_UPLOAD)),
                    on_drop_rejected=MemberImportState.file_refused,
                    id="choose-csv",
                ),
                rx.text(FILE_RULE, size="1", color_scheme="gray"),
                rx.cond(
                    MemberImportState.error != "",
                    rx.callout(
                        MemberImportState.error,
                        icon="triangle-alert",
                        color_scheme="red",
                        id="import-error",
                    ),
                ),
                spacing="3",
            ),
            width="100%",
        ),
        rx.cond(MemberImportState.file_name != "", preview()),
        heading=[
            rx.link("Members", href=routes.MEMBERS, size="2", id="back-to-members"),
            rx.text("/", color_scheme="gray"),
            rx.heading("Import members", size="6", as_="h1"),
        ],
        current=routes.MEMBER_IMPORT,
    )


def preview() -> rx.Component:
    return rx.vstack(
        rx.heading(long_text(MemberImportState.file_name), size="4", as_="h2"),
        rx.text(
            COUNTS.get("new", 0),
            rx.cond(MemberImportState.imported, " imported", " new"),
            " · ",
            COUNTS.get("already", 0),
            " already members · ",
            COUNTS.get("refused", 0),
            " refused",
            id="import-counts",
        ),
        rx.cond(
            ~MemberImportState.imported & (COUNTS.get("new", 0) > 0),
            rx.button(
                "Import the new members",
                on_click=MemberImportState.import_file,
                high_contrast=True,
                id="import-members",
            ),
        ),
        rx.cond(
            MemberImportState.problems.length() > 0,
            admin_table(
                ("Line", "Name", "What is wrong"),
                MemberImportState.problems,
                problem_row,
                id="import-problems",
            ),
        ),
        spacing="3",
        width="100%",
    )


def problem_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["line"]),
        rx.table.cell(long_text(row["name"])),
        rx.table.cell(row["problems"]),
    )
