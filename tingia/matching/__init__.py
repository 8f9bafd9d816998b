"""Grouping reports of the same content into cases.

Pure (plain functions of their arguments, no database, Redis or app context; unit-tested in
tests/unit/): `normalise` (report text for matching), `urls` (canonical links, which links are
content), `textsim` (passage similarity and index keys), `images` (image fingerprints and OCR of
screenshots; runs Tesseract as a subprocess, nothing else), `scoring` (a pair's score and the
attach / suggest / new decision).

Database edge: `index` (the shared candidate index and the per-process photo-hash cache rebuilt
from it) and `service` (processing one report: fingerprint, find candidates, decide, and call
tingia.cases to attach it, open a case or suggest one).
"""
