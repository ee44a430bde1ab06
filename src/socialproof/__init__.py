"""socialproof: a local-first toolkit for people who build careers in social media.

Importing the package is cheap on purpose: heavy libraries (pandas, pyarrow,
ibis, scikit-learn) load inside the functions that need them.
"""

from __future__ import annotations

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
