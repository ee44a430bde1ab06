"""The roles, skills and paths catalogue, as careers code has always imported it.

The catalogue lives in :mod:`socialproof.market.catalogue` so that market code
(skill extraction, aggregates) can read it without importing careers: careers
builds on market, never the other way round (docs/architecture.md).
"""

from __future__ import annotations

from socialproof.market.catalogue import REGULATED_GROUP as REGULATED_GROUP
from socialproof.market.catalogue import Catalogue as Catalogue
from socialproof.market.catalogue import Item as Item
from socialproof.market.catalogue import PathEdge as PathEdge
from socialproof.market.catalogue import Role as Role
from socialproof.market.catalogue import RoleSkill as RoleSkill
from socialproof.market.catalogue import Skill as Skill
from socialproof.market.catalogue import catalogue_from_dict as catalogue_from_dict
from socialproof.market.catalogue import data_file as data_file
from socialproof.market.catalogue import load_catalogue as load_catalogue

__all__ = [
    "REGULATED_GROUP",
    "Catalogue",
    "Item",
    "PathEdge",
    "Role",
    "RoleSkill",
    "Skill",
    "catalogue_from_dict",
    "data_file",
    "load_catalogue",
]
