#!/usr/bin/env python3
"""Run system test modules for ctest and map the outcome to an exit code.

usage: run_tests.py MODULE [MODULE ...]     (module names as in `python3 -m unittest`)

Exit codes: 0 every test passed and none was skipped; 77 no failure but at least one skip
(ctest reports the test as skipped through SKIP_RETURN_CODE 77); 1 any failure or error.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import server  # noqa: E402  (needs the path set above)

SKIPPED = 77


def main(modules):
    if not modules:
        print(__doc__, file=sys.stderr)
        return 2
    print(f"DHCPv4 server under test: {server.server_binary(4)}")
    print(f"DHCPv6 server under test: {server.server_binary(6)}")
    sys.stdout.flush()
    suite = unittest.defaultTestLoader.loadTestsFromNames(modules)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    if not result.wasSuccessful():
        return 1
    if result.skipped:
        return SKIPPED
    if result.testsRun == 0:
        print("no tests ran", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
