from runaway_companion.cli import main

raise SystemExit(main())
