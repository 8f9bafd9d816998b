"""Pure report-matching layer: normalisation, canonical URLs, fingerprints and scoring."""
