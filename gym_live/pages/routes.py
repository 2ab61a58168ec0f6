"""Route paths, named once."""

DASHBOARD = "/"
KIOSK = "/kiosk"
LOGIN = "/login"
PASSWORD = "/password"
MEMBERS = "/members"
NEW_MEMBER = "/members/new"
STAFF = "/staff"
KIOSKS = "/kiosks"
LOCATIONS = "/locations"
AUDIT = "/audit"
# `/kiosk?pair=CODE`: the address an admin's QR code opens; the tablet pairs with the code.
KIOSK_PAIR_PARAM = "pair"
