"""Negotiation and revision: service-history baselines (``sla baseline``) and what-if replays of
proposed terms (``sla simulate``). Every figure comes from the dbt models, run in a scratch copy
of the warehouse (scratch.py) so that the real warehouse and its published periods never change.
"""

from __future__ import annotations


class NegotiationError(Exception):
    """A usage error: one line naming the file or option and what is wrong (exit code 2)."""
