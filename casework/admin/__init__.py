"""The council administrator's screens.

Reference data (teams, officers, categories, routing rules, families and plans)
is edited here. Cases and everything that records what happened to them are
read-only: concerns are logged and moved through `casework.services`, and
nothing about a case is ever deleted (DESIGN.md, invariant 2).
"""

from . import cases, families, shared, staff  # noqa: F401  (each registers its pages)
