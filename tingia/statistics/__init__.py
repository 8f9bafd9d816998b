"""Figures: the staff dashboard (dashboard.py), the quarterly and yearly report (quarterly.py,
exported by export.py), the public statistics page (public.py); periods and SVG charts are pure
(periods.py, charts.py). Days, months and quarters are those of the centre's time zone."""
