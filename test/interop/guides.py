"""Puts docs/guides on the module path, so the pysaml2 drivers here import the guide's own configuration."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "guides"))
