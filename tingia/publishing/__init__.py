"""Public pages: home, verdicts, fraud warnings, feeds, ClaimReview."""
