"""Provinces, centres, and the scoping of every staff query to the user's centre."""
