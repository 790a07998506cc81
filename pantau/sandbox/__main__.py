import sys

from pantau.sandbox.server import main

sys.exit(main())
