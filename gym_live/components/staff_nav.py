"""The staff header's navigation: the pages the signed-in role may use, who is signed in,
and sign out. Hiding an admin page's link is for clarity; the guard is what refuses."""

from __future__ import annotations

import reflex as rx

from gym_live.domain.staff import Role
from gym_live.pages import routes
from gym_live.states.auth import AuthState

# (path, label, icon, admins only)
PAGES = (
    (routes.DASHBOARD, "Dashboard", "activity", False),
    (routes.MEMBERS, "Members", "contact", False),
    (routes.REPORTS, "Reports", "chart-column", False),
    (routes.STAFF, "Staff", "users", True),
    (routes.KIOSKS, "Kiosks", "tablet-smartphone", True),
    (routes.LOCATIONS, "Locations", "map-pin", True),
    (routes.INTEGRATIONS, "Integrations", "plug", True),
    (routes.AUDIT, "Audit", "scroll-text", True),
)


def staff_nav(current: str) -> rx.Component:
    return rx.el.nav(
        rx.hstack(*[_link(*page, current=current) for page in PAGES], spacing="1", wrap="wrap"),
        aria_label="Staff pages",
    )


def signed_in_as() -> rx.Component:
    return rx.hstack(
        rx.link(
            rx.hstack(
                rx.icon("circle-user", size=16),
                rx.text(AuthState.staff_name, size="2", weight="medium", id="staff-name"),
                spacing="1",
                align="center",
            ),
            href=routes.PASSWORD,
            title="Change your password",
            color_scheme="gray",
            high_contrast=True,
            underline="hover",
        ),
        rx.button(
            rx.icon("log-out", size=14),
            "Sign out",
            on_click=AuthState.sign_out,
            variant="soft",
            color_scheme="gray",
            size="1",
            id="sign-out",
        ),
        align="center",
        spacing="3",
        wrap="wrap",
    )


def _link(path: str, label: str, icon: str, admins_only: bool, *, current: str) -> rx.Component:
    """A link to another page; the current page is named, not linked."""
    content = rx.hstack(
        rx.icon(icon, size=14, class_name="gl-nav-icon"), label, spacing="1", align="center"
    )
    slug = f"nav-{label.lower()}"
    if path == current:
        item = rx.text(
            content,
            as_="span",
            size="2",
            weight="bold",
            class_name="gl-nav-link",
            custom_attrs={"aria-current": "page"},
            id=slug,
        )
    else:
        item = rx.link(
            content,
            href=path,
            size="2",
            weight="medium",
            color_scheme="gray",
            high_contrast=True,
            underline="none",
            class_name="gl-nav-link",
            id=slug,
        )
    return rx.cond(AuthState.staff_role == Role.ADMIN.value, item) if admins_only else item
