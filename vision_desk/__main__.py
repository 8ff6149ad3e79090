from vision_desk.cli import main

raise SystemExit(main())
