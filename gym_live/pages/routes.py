"""Route paths, named once."""

DASHBOARD = "/"
KIOSK = "/kiosk"
LOGIN = "/login"
PASSWORD = "/password"
MEMBERS = "/members"
NEW_MEMBER = "/members/new"
MEMBER_IMPORT = "/members/import"
# A member's page, by card number (never "new": a card number has at least 4 characters).
MEMBER = "/members/[code]"
MEMBER_PARAM = "code"


def member_path(code: str) -> str:
    return f"{MEMBERS}/{code}"


STAFF = "/staff"
KIOSKS = "/kiosks"
LOCATIONS = "/locations"
AUDIT = "/audit"
INTEGRATIONS = "/integrations"
REPORTS = "/reports"
# `/kiosk?pair=CODE`: the address an admin's QR code opens; the tablet pairs with the code.
KIOSK_PAIR_PARAM = "pair"
