"""Removal requests to platforms on the 24-hour clock of Decree 147/2024: the rules
(service.py), the request letter (letters.py, pure) and the staff pages (views.py)."""
