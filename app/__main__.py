"""`python -m app …`: the operator's command line (see app.cli)."""

from app.cli import main

raise SystemExit(main())
