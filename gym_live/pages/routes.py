"""Route paths, named once."""

DASHBOARD = "/"
KIOSK = "/kiosk"
LOGIN = "/login"
