"""`python -m gym_live ...`: the operator's command line."""

from gym_live.cli import main

raise SystemExit(main())
