"""Publishing safely: the post linter (rules as data), the content calendar and approvals.

- :mod:`~socialproof.content.posts`: ``content/*.md`` files (YAML front matter + text)
- :mod:`~socialproof.content.rules`, :mod:`~socialproof.content.checks`: rule packs and checks
- :mod:`~socialproof.content.linter`, :mod:`~socialproof.content.fix`,
  :mod:`~socialproof.content.sarif`: findings with spans, safe fixes, SARIF 2.1.0
- :mod:`~socialproof.content.calendar`, :mod:`~socialproof.content.calendar_report`,
  :mod:`~socialproof.content.ical`, :mod:`~socialproof.content.exports`: the calendar
- :mod:`~socialproof.content.approvals`: tiers, the hash-chained log, the scheduling gate
"""

from __future__ import annotations

# The built-in checks register themselves into content.rules when imported; doing it
# here, once for the package, means rules never has to import checks back.
from socialproof.content import checks as _builtin_checks  # noqa: F401
