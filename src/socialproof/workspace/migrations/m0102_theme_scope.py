"""The scope of the stored themes: which member messages the last themes run grouped
(platform, group, dates) and the number of themes asked for, in words.

Themes stored before this column read as a run over all member messages (NULL), as every
run was before the run could be scoped.
"""

from __future__ import annotations

from typing import Any


def up(con: Any) -> None:
    con.execute("ALTER TABLE themes ADD COLUMN IF NOT EXISTS scope VARCHAR")
