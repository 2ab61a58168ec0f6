"""Route paths, named once."""

DASHBOARD = "/"
KIOSK = "/kiosk"
LOGIN = "/login"
STAFF = "/staff"
KIOSKS = "/kiosks"
LOCATIONS = "/locations"
AUDIT = "/audit"
