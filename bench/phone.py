"""`python -m bench.phone`: the phone team's sub-bench (phone/bench.py), run by `make bench`."""

import sys

from phone.bench import main

if __name__ == "__main__":
    sys.exit(main())
