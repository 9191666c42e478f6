from qkv_drill.cli import main

raise SystemExit(main())
