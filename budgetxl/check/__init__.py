"""``budgetxl check``: a registry of rules, each a small unit with a stable code, that turn a
budget into findings. Rules never raise for a problem in the data; they yield findings."""

from .registry import RULES, Rule, all_rules, select_rules  # noqa: F401
from .runner import CheckResult, check_budget, check_file  # noqa: F401
