"""Offending sources: which page, account, channel or website a content URL belongs to
(attribution.py, pure), violations and flags, the national white and black lists (service.py),
and their staff pages (views.py)."""
