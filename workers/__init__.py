"""RQ workers for Tingia: `python -m workers` (or `--burst` to drain the queue and exit)."""
