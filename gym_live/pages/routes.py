"""Route paths, named once."""

from urllib.parse import unquote

DASHBOARD = "/"
KIOSK = "/kiosk"
LOGIN = "/login"
PASSWORD = "/password"
MEMBERS = "/members"
NEW_MEMBER = "/members/new"
MEMBER_IMPORT = "/members/import"
# A member's page, by card number (never "new": a card number has at least 4 characters).
MEMBER = "/members/[code]"


def member_path(code: str) -> str:
    return f"{MEMBERS}/{code}"


def member_code_in(path: str) -> str:
    """The card number in a member page's address (`/members/10000001` -> "10000001")."""
    folder, _, code = unquote(path).rstrip("/").rpartition("/")
    return code if folder == MEMBERS else ""


STAFF = "/staff"
KIOSKS = "/kiosks"
LOCATIONS = "/locations"
AUDIT = "/audit"
INTEGRATIONS = "/integrations"
REPORTS = "/reports"
# `/kiosk?pair=CODE`: the address an admin's QR code opens; the tablet pairs with the code.
KIOSK_PAIR_PARAM = "pair"
