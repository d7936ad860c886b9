"""``python -m desktop``: open AIGC Workbench."""
import sys

from desktop.app import main

sys.exit(main())
