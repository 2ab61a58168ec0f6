"""`/reports` (staff): a period at one location or all: visits per day, the busiest hours,
stays, sources, refusals, overrides, members at risk and memberships ending; each table
with its CSV."""

from __future__ import annotations

import reflex as rx

from gym_live import wording
from gym_live.components.forms import field, filters
from gym_live.components.layout import staff_page
from gym_live.components.stats import stat_card
from gym_live.components.tables import admin_table
from gym_live.domain.member_list import EXPIRING_WITHIN
from gym_live.domain.reports import AWAY_DAYS, LOCATION
from gym_live.domain.visit_export import FIRST_DAY, LAST_DAY
from gym_live.pages import routes
from gym_live.report_tables import HEADINGS, HOUR_NAMES
from gym_live.services.reports import AT_RISK_SHOWN
from gym_live.states.reports import EVERY, ReportsState

ERRORS = ReportsState.errors
SUMMARY = ReportsState.summary
TABLES = ReportsState.tables


def reports_page() -> rx.Component:
    return staff_page(
        report_filters(),
        rx.cond(SUMMARY.length() > 0, report()),
        heading=[rx.heading("Reports", size="6", as_="h1")],
        current=routes.REPORTS,
    )


def report_filters() -> rx.Component:
    return filters(
        _day("From", FIRST_DAY, ReportsState.first),
        _day("To", LAST_DAY, ReportsState.last),
        field("Location", LOCATION, _location_choice(), _error(LOCATION)),
        on_submit=ReportsState.apply,
        apply_id="report-apply",
        error=ERRORS.get("form", ""),
    )


def _error(name: str) -> rx.Var:
    return ERRORS.get(name, "")


def _day(label: str, name: str, shown: rx.Var) -> rx.Component:
    # Keyed by the day shown, so it shows the period the page settled on (a default one).
    day = rx.input(
        name=name, id=f"field-{name}", type="date", size="2", default_value=shown, key=shown
    )
    return field(label, name, day, _error(name))


def _location_choice() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=f"field-{LOCATION}"),
        rx.select.content(
            rx.select.item(wording.EVERY_LOCATION, value=EVERY),
            rx.foreach(
                ReportsState.locations,
                lambda place: rx.select.item(place["name"], value=place["id"]),
            ),
        ),
        name=LOCATION,
        default_value=ReportsState.location,
        key=ReportsState.location,
    )


def report() -> rx.Component:
    return rx.vstack(
        rx.text(SUMMARY["where"], ", ", SUMMARY["period"], size="2", id="report-scope"),
        rx.grid(
            stat_card("Visits", SUMMARY["visits"], "report-visits"),
            stat_card("Average stay (minutes)", SUMMARY["average_stay"], "report-average-stay"),
            stat_card("Median stay (minutes)", SUMMARY["median_stay"], "report-median-stay"),
            stat_card("Refused at the door", SUMMARY["denied"], "report-denied"),
            stat_card(f"Away {AWAY_DAYS} days or more", SUMMARY["at_risk"], "report-at-risk"),
            columns=rx.breakpoints(initial="2", md="5"),
            spacing="3",
            width="100%",
        ),
        section(
            ReportsState.chart_title,
            "per_day",
            rx.recharts.line_chart(
                rx.recharts.line(
                    data_key="visits",
                    name="Visits",
                    stroke=rx.color("accent", 9),
                    dot=False,
                    is_animation_active=False,
                ),
                rx.recharts.x_axis(data_key="day", interval=ReportsState.day_ticks),
                rx.recharts.y_axis(allow_decimals=False, width=48),
                rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                rx.recharts.graphing_tooltip(),
                data=ReportsState.per_day,
                # Room for half of the last day's label, which is centred on the last point.
                margin={"top": 8, "right": 40, "bottom": 4, "left": 4},
                height=260,
                width="100%",
            ),
            chart=True,
            named="the visits of every day",
        ),
        section("Busiest hours: people inside on average", "busiest", heatmap()),
        rx.grid(
            section("Stays", "stays", table("stays")),
            section("Check-ins by source", "sources", table("sources")),
            section("Refused at the door", "denied", table("denied")),
            section("Let in anyway, by staff member", "overrides", table("overrides")),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        section(
            f"At risk: active members away {AWAY_DAYS} days or more",
            "at_risk",
            rx.text(
                f"Most recently lapsed first; the first {AT_RISK_SHOWN} are shown, the CSV "
                "has all of them. Every location counts.",
                size="2",
                color_scheme="gray",
            ),
            table("at_risk", f"Nobody: every active member came in the last {AWAY_DAYS} days."),
        ),
        section(
            f"Memberships ending in the next {EXPIRING_WITHIN.days} days",
            "expiring",
            table("expiring", f"Nobody's membership ends in the next {EXPIRING_WITHIN.days} days."),
        ),
        spacing="4",
        width="100%",
    )


def section(
    title: str | rx.Var,
    key: str,
    *content: rx.Component,
    chart: bool = False,
    named: str = "",
) -> rx.Component:
    """A report's part: its heading, what it shows, and its CSV (the same numbers); `named`
    is what the CSV button says it downloads (by default, the title)."""
    named = named or str(title).split(":")[0].lower()
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(title, size="3", as_="h2"),
                rx.spacer(),
                rx.button(
                    rx.icon("download", size=14),
                    "CSV",
                    on_click=ReportsState.download(key),
                    variant="soft",
                    size="1",
                    id=f"csv-{key.replace('_', '-')}",
                    aria_label=f"Download {named} as CSV",
                ),
                align="center",
                width="100%",
            ),
            *content,
            spacing="3",
            width="100%",
        ),
        width="100%",
        id=f"report-{key.replace('_', '-')}",
        custom_attrs={"role": "figure", "aria-label": title} if chart else {},
    )


def table(key: str, empty: str = "None in this period.") -> rx.Component:
    rows = TABLES[key]
    return rx.fragment(
        admin_table(
            HEADINGS[key],
            rows,
            lambda row: rx.table.row(rx.foreach(row, rx.table.cell)),
            id=f"table-{key.replace('_', '-')}",
        ),
        rx.cond(
            rows.length() == 0,
            rx.text(empty, size="2", color_scheme="gray", id=f"none-{key}"),
        ),
    )


def heatmap() -> rx.Component:
    """Weekdays by local hour; each cell's shade and number say how full it was."""
    return rx.box(
        rx.el.table(
            rx.el.thead(
                rx.el.tr(
                    rx.el.th(rx.el.span("Weekday", class_name="gl-visually-hidden"), scope="col"),
                    *[rx.el.th(name[:2], scope="col", title=name) for name in HOUR_NAMES],
                )
            ),
            rx.el.tbody(rx.foreach(ReportsState.heatmap, _heat_row)),
            id="busiest-hours",
            class_name="gl-heatmap",
        ),
        overflow_x="auto",
        width="100%",
    )


def _heat_row(row: rx.Var) -> rx.Component:
    return rx.el.tr(
        rx.el.th(row["weekday"], scope="row"),
        rx.foreach(
            row["cells"].to(list[dict[str, str]]),
            lambda cell: rx.el.td(
                cell["people"],
                class_name="gl-heat-" + cell["level"],
                title=cell["label"],
                custom_attrs={"data-people": cell["people"]},
            ),
        ),
    )
